import { Link } from 'react-router'
import { useState } from 'react'
import { Shared } from '../components/shared.jsx'
import { about } from '../data/about.js'

// Runs on the server only: its import of the data module is removed from the browser's build.
export function loader() {
  return { data: about }
}

export default function About({ loaderData }) {
  const [count, setCount] = useState(0)
  return (
    <main>
      <h1 id="title">About</h1>
      <p id="data">{loaderData.data}</p>
      <Shared />
      {/* State of the page's own, which an in-place update keeps (the tests type and click). */}
      <input id="typed" />
      <button id="count" onClick={() => setCount((n) => n + 1)}>
        count {count}
      </button>
      <nav>
        <Link to="/">Home</Link> <Link to="/about">About</Link>
      </nav>
    </main>
  )
}
