import { Counter } from '../components/counter.jsx'
import { Shared } from '../components/shared.jsx'
import { home } from '../data/home.js'

// A server component: the data module is read on the server only.
export function Home() {
  return (
    <main>
      <h1 id="title">Home</h1>
      <p id="data">{home}</p>
      <Shared />
      <Counter />
      <nav>
        <a href="/">Home</a> <a href="/about">About</a>
      </nav>
    </main>
  )
}
