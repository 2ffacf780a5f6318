import { component$ } from '@builder.io/qwik'
import { routeLoader$ } from '@builder.io/qwik-city'
import { Shared } from '../components/shared'
import { home } from '../data/home.js'

// Runs on the server only: the data module never reaches the browser.
export const useHomeData = routeLoader$(() => home)

export default component$(() => {
  const data = useHomeData()
  return (
    <main>
      <h1 id="title">Home</h1>
      <p id="data">{data.value}</p>
      <Shared />
      <nav>
        <a href="/">Home</a> <a href="/about">About</a>
      </nav>
    </main>
  )
})
