import { component$ } from '@builder.io/qwik'
import { routeLoader$ } from '@builder.io/qwik-city'
import { Shared } from '../../components/shared'
import { about } from '../../data/about.js'

// Runs on the server only: the data module never reaches the browser.
export const useAboutData = routeLoader$(() => about)

export default component$(() => {
  const data = useAboutData()
  return (
    <main>
      <h1 id="title">About</h1>
      <p id="data">{data.value}</p>
      <Shared />
      <nav>
        <a href="/">Home</a> <a href="/about">About</a>
      </nav>
    </main>
  )
})
