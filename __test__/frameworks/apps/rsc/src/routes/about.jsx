import { Counter } from '../components/counter.jsx'
import { Shared } from '../components/shared.jsx'
import { about } from '../data/about.js'

// A server component: the data module is read on the server only.
export function About() {
  return (
    <main>
      <h1 id="title">About</h1>
      <p id="data">{about}</p>
      <Shared />
      <Counter />
      <nav>
        <a href="/">Home</a> <a href="/about">About</a>
      </nav>
    </main>
  )
}
