// Talking to the dev server: which page and render this tab shows (`ssr-hmr:page`), and
// fetching this tab's page as a reload would, for a check or before a refresh.

import { CONFIG } from './config.js'
import { metaStrategy } from './page-strategy.js'
import { state } from './state.js'

// The contract's event names, filled in when served (lib/client-runtime-plugin.js).
export const PAGE_EVENT = __SSR_HMR_PAGE_EVENT__
export const CHECK_EVENT = __SSR_HMR_CHECK_EVENT__
export const UPDATE_EVENT = __SSR_HMR_UPDATE_EVENT__
export const ERROR_EVENT = __SSR_HMR_ERROR_EVENT__
export const REFRESHED_EVENT = __SSR_HMR_REFRESHED_EVENT__
const { pageFetchHeader: PAGE_FETCH_HEADER, serverTimingName: SERVER_TIMING_NAME, refreshFetch: REFRESH_FETCH } = CONFIG
const ACCEPT_HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

/** Tells the server which way this tab refreshed (`'in-place'` or `'reload'`), for its log. */
export function reportRefreshed(path, framework) {
  import.meta.hot?.send(REFRESHED_EVENT, { page: currentUrl(), path, framework })
}

export function currentUrl() {
  return location.pathname + location.search
}

/** The render stamp the dev server put in a response's `Server-Timing`. */
function stampOf(timings) {
  const stamp = timings?.find((entry) => entry.name === SERVER_TIMING_NAME)?.description
  return stamp === undefined || stamp === '' ? undefined : Number(stamp)
}

/** The stamp of this document's render, if the dev server rendered it. */
export function documentStamp() {
  return stampOf(performance.getEntriesByType?.('navigation')[0]?.serverTiming)
}

/** `ssr-hmr;desc="12", app;dur=3` → 12. */
function responseStamp(response) {
  const header = response.headers.get('server-timing') ?? ''
  const match = new RegExp(`(?:^|,)\\s*${SERVER_TIMING_NAME}\\s*;\\s*desc="?(\\d+)`).exec(header)
  return match ? Number(match[1]) : undefined
}

/**
 * The server keys pages by path and query; a hash change is the same page. Each report says
 * which strategy the page picks, if it picks one: the server logs what each tab did.
 */
export function reportPage() {
  const url = currentUrl()
  if (url === state.reportedUrl) return
  const first = state.reportedUrl === undefined
  state.reportedUrl = url
  const strategy = metaStrategy()
  state.shownRender = first ? documentStamp() : undefined
  import.meta.hot.send(PAGE_EVENT, first ? { url, render: state.shownRender, strategy } : { url, strategy })
}

/** The tab now shows render `render` of its page (after a morph, or the app's own update). */
export function reportRender(render) {
  state.shownRender = render
  if (render !== undefined) import.meta.hot.send(PAGE_EVENT, { url: currentUrl(), render, strategy: metaStrategy() })
}

/** Client-side routers move with the history API; the server must follow the tab. */
export function watchNavigation() {
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

/**
 * Fetches this tab's URL as a reload would ask for it, with its cookies and without
 * following redirects, and reads what came back.
 */
export async function fetchPage(url, { token, signal } = {}) {
  // Without a token the header still says the request is this runtime's: if the render fails,
  // Vite tells this tab (in the answer) rather than every tab.
  const headers = { accept: ACCEPT_HTML, [PAGE_FETCH_HEADER]: token ?? REFRESH_FETCH }
  const response = await fetch(url, {
    credentials: 'same-origin',
    cache: 'no-store',
    redirect: 'manual',
    headers,
    signal,
  })
  const redirected =
    response.type === 'opaqueredirect' || response.redirected || (response.status >= 300 && response.status < 400)
  const isHtml = !!response.headers.get('content-type')?.includes('text/html')
  const text = redirected ? '' : await response.text()
  return { url, status: response.status, redirected, isHtml, text, render: responseStamp(response) }
}

/** A render the tab must not be reloaded into: a server error, or not a page at all. */
export function failure(page) {
  if (page.redirected) return undefined
  if (page.status >= 500) return `answers ${page.status}`
  if (!page.isHtml) return `answers ${page.status} with no HTML`
  return undefined
}
