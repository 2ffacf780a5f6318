import { A, createAsync, query, type RouteDefinition } from '@solidjs/router'
import { createSignal } from 'solid-js'
import { Shared } from '../components/Shared'
import { loadAbout } from '../lib/about'

const getAbout = query(() => loadAbout(), 'about')

export const route = { preload: () => getAbout() } satisfies RouteDefinition

export default function About() {
  const data = createAsync(() => getAbout())
  const [count, setCount] = createSignal(0)
  return (
    <main>
      <h1 id="title">About</h1>
      <p id="data">{data()}</p>
      <Shared />
      {/* State of the page's own, which an in-place update keeps (the tests type and click). */}
      <input id="typed" />
      <button id="count" onClick={() => setCount(count() + 1)}>
        count {count()}
      </button>
      <nav>
        <A href="/">Home</A> <A href="/about">About</A>
      </nav>
    </main>
  )
}
