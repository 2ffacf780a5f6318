import { A, createAsync, query, type RouteDefinition } from '@solidjs/router'
import { Shared } from '../components/Shared'
import { loadAbout } from '../lib/about'

const getAbout = query(() => loadAbout(), 'about')

export const route = { preload: () => getAbout() } satisfies RouteDefinition

export default function About() {
  const data = createAsync(() => getAbout())
  return (
    <main>
      <h1 id="title">About</h1>
      <p id="data">{data()}</p>
      <Shared />
      <nav>
        <A href="/">Home</A> <A href="/about">About</A>
      </nav>
    </main>
  )
}
