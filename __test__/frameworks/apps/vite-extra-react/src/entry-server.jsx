import { StrictMode } from 'react'
import { renderToString } from 'react-dom/server'
import App from './App'
import { about } from './data/about.js'
import { home } from './data/home.js'

// Each route's server-only data, rendered into the page around the React app (server.js fills
// the template's placeholders): the browser never imports these modules.
const routes = {
  '': { title: 'Home', data: () => home },
  about: { title: 'About', data: () => about },
}

/**
 * @param {string} url the URL without the app's base, as server.js passes it
 */
export function render(url) {
  const route = routes[url.split(/[?#]/)[0].replace(/\/$/, '')]
  if (!route) return { status: 404, title: 'Not found', data: '', html: '' }
  const html = renderToString(
    <StrictMode>
      <App />
    </StrictMode>,
  )
  return { title: route.title, data: route.data(), html }
}
