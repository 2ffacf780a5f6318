// Browser runtime of vite-plugin-ssr-hmr, loaded in every page that loads Vite's client.
// It tells the dev server which URL this tab shows, and carries out the refresh the server
// decided for this tab. The strategy can be overridden per page with
// <meta name="ssr-hmr" content="reload|morph|event">.

const PAGE_EVENT = 'ssr-hmr:page'
const UPDATE_EVENT = 'ssr-hmr:update'

function currentUrl() {
  return location.pathname + location.search
}

function reportPage() {
  import.meta.hot.send(PAGE_EVENT, { url: currentUrl() })
}

function watchNavigation() {
  for (const method of ['pushState', 'replaceState']) {
    const original = history[method]
    history[method] = function (...args) {
      const result = original.apply(this, args)
      reportPage()
      return result
    }
  }
  addEventListener('popstate', reportPage)
}

function pageStrategy(serverStrategy) {
  const meta = document.querySelector('meta[name="ssr-hmr"]')?.getAttribute('content')?.trim()
  return meta === 'reload' || meta === 'morph' || meta === 'event' ? meta : serverStrategy
}

async function refresh(payload) {
  const strategy = pageStrategy(payload.strategy)
  if (strategy === 'event') return
  location.reload()
}

if (import.meta.hot) {
  import.meta.hot.on(UPDATE_EVENT, refresh)
  watchNavigation()
  reportPage()
}
