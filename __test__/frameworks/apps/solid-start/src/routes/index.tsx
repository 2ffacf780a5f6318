import { A, createAsync, query, type RouteDefinition } from '@solidjs/router'
import { Shared } from '../components/Shared'
import { loadHome } from '../lib/home'

const getHome = query(() => loadHome(), 'home')

export const route = { preload: () => getHome() } satisfies RouteDefinition

export default function Home() {
  const data = createAsync(() => getHome())
  return (
    <main>
      <h1 id="title">Home</h1>
      <p id="data">{data()}</p>
      <Shared />
      <nav>
        <A href="/">Home</A> <A href="/about">About</A>
      </nav>
    </main>
  )
}
