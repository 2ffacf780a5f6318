import { Link, createFileRoute } from '@tanstack/react-router'
import { createServerFn } from '@tanstack/react-start'
import { Shared } from '../components/Shared'
import { home } from '../data/home.js'

// Runs on the server only: the browser gets an RPC stub, and the data module stays out of its graph.
const getHome = createServerFn({ method: 'GET' }).handler(() => ({ data: home }))

export const Route = createFileRoute('/')({
  loader: () => getHome(),
  component: Home,
})

function Home() {
  const { data } = Route.useLoaderData()
  return (
    <main>
      <h1 id="title">Home</h1>
      <p id="data">{data}</p>
      <Shared />
      <nav>
        <Link to="/">Home</Link> <Link to="/about">About</Link>
      </nav>
    </main>
  )
}
