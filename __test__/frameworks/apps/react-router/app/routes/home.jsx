import { Link } from 'react-router'
import { Shared } from '../components/shared.jsx'
import { home } from '../data/home.js'

// Runs on the server only: its import of the data module is removed from the browser's build.
export function loader() {
  return { data: home }
}

export default function Home({ loaderData }) {
  return (
    <main>
      <h1 id="title">Home</h1>
      <p id="data">{loaderData.data}</p>
      <Shared />
      <nav>
        <Link to="/">Home</Link> <Link to="/about">About</Link>
      </nav>
    </main>
  )
}
