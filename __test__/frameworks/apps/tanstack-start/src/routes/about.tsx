import { Link, createFileRoute } from '@tanstack/react-router'
import { useState } from 'react'
import { createServerFn } from '@tanstack/react-start'
import { Shared } from '../components/Shared'
import { about } from '../data/about.js'
import { countLoaderRun } from '../loader-runs'

// Runs on the server only: the browser gets an RPC stub, and the data module stays out of its graph.
const getAbout = createServerFn({ method: 'GET' }).handler(() => ({ data: about }))

export const Route = createFileRoute('/about')({
  loader: () => {
    countLoaderRun('about')
    return getAbout()
  },
  component: About,
})

function About() {
  const { data } = Route.useLoaderData()
  const [count, setCount] = useState(0)
  return (
    <main>
      <h1 id="title">About</h1>
      <p id="data">{data}</p>
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
