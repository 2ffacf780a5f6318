// Learns which page each tab shows, which server modules each page's render requested, and
// what each render sent.
//
// Its middleware goes first in the dev server's stack, whatever the plugin order, so that a
// framework whose middleware renders pages and never calls `next()` is still seen. Around every
// GET it opens an AsyncLocalStorage scope, still active when the app renders through a module
// runner or `ssrLoadModule`: a wrapper around the server environments' `fetchModule` sees, per
// request, the entry and every `import()` taken (the page's roots). Every HTML response is
// stamped (`Server-Timing: ssr-hmr;desc="<render>"`) when its headers go out and fingerprinted
// by the core as it streams (`response-fingerprint.js`); the tab reports the stamp back
// (`page-messages.js` checks what it says). A tab's request for its own page
// (`x-ssr-hmr-page-fetch`, sent when a change may have made it stale) is rendered the same way, and
// the core compares the two fingerprints when it ends.

import { AsyncLocalStorage } from 'node:async_hooks'
import { CONTRACT, EVENTS } from './contract.js'
import { isRunnable } from './invalidate.js'
import { debug, refreshedLine } from './logger.js'
import { MAX_URL_LENGTH, pageMessageOf, refreshedMessageOf, validPageUrl } from './page-messages.js'
import { answerRenderRequest } from './render-html.js'
import { watchResponse } from './response-fingerprint.js'

export const PAGE_EVENT = EVENTS.page
const REFRESHED_EVENT = EVENTS.refreshed
export const { pageFetchHeader: PAGE_FETCH_HEADER } = CONTRACT.browser
/** `Sec-Fetch-Dest` of the requests that load a document a tab shows. */
const DOCUMENT_DESTINATIONS = new Set(['document', 'iframe', 'frame'])

/** @param {import('./plugin-state.js').PluginState} state */
export function pageTrackingPlugin(state) {
  return {
    name: 'vite-plugin-ssr-hmr:page-tracking',
    apply: 'serve',
    configureServer: {
      // Before any other plugin adds its middleware or loads server modules.
      order: 'pre',
      handler(server) {
        const session = state.sessionOfServer(server)
        if (!session) return
        prependMiddleware(server.middlewares, (req, res, next) => {
          // A tab's request for the base of its three-way patch is no page: answered apart.
          if (req.method === 'GET' && answerRenderRequest(session, req, res, server.config.base)) return
          trackRequest(session, req, res, next)
        })
        const restoreFetchers = Object.values(server.environments)
          .filter((environment) => session.consumerOf(environment) === 'server')
          .map((environment) => recordFetchedModules(session, environment))
        const onPage = (data, client) => {
          const page = pageMessageOf(data)
          if (page === undefined) return debug(`ignored an invalid ${PAGE_EVENT} message`)
          session.reportPage(client, page.url, page.render, page.strategy)
        }
        server.ws.on(PAGE_EVENT, onPage)
        const onRefreshed = (data) => {
          const refreshed = refreshedMessageOf(data)
          if (refreshed === undefined) return debug(`ignored an invalid ${REFRESHED_EVENT} message`)
          session.logger.info(refreshedLine(refreshed), { timestamp: true })
        }
        server.ws.on(REFRESHED_EVENT, onRefreshed)
        const onDisconnect = (_data, client) => session.forgetTab(client)
        server.ws.on('vite:client:disconnect', onDisconnect)
        session.onDispose(() => {
          server.ws.off(PAGE_EVENT, onPage)
          server.ws.off(REFRESHED_EVENT, onRefreshed)
          server.ws.off('vite:client:disconnect', onDisconnect)
          for (const restore of restoreFetchers) restore()
        }, server)
      },
    },
  }
}

/** Puts `handle` first in a connect app's stack. */
function prependMiddleware(app, handle) {
  if (Array.isArray(app.stack)) app.stack.unshift({ route: '', handle })
  else app.use(handle)
}

function trackRequest(session, req, res, next) {
  if (req.method !== 'GET') return next()
  /** The tab's own fetch of its page: a check's token, or `refresh` (contract.rs). */
  const pageFetch = [req.headers[PAGE_FETCH_HEADER]].flat()[0]
  /** `error`: the error Vite would have broadcast to every tab for this fetch (browser-channel.js). */
  const store = { url: req.url, pageFetch, fetched: new Map(), render: undefined, ended: false, error: undefined }
  const isDocument = pageFetch !== undefined || isDocumentRequest(req)
  /** A `fetch()` from one of the app's pages: the page may be re-fetching its own output. */
  store.fetchedFrom = isDocument || req.headers['sec-fetch-dest'] !== 'empty' ? undefined : refererPage(req)
  if (pageFetch !== undefined) keepScopeInCloseListeners(res)
  watchResponse(session, res, store, pageFetch)
  res.once('close', () => {
    if (store.render === undefined) return
    // `end()` settled a complete response; an aborted one has no fingerprint.
    if (!store.ended) session.renders.endRender(store.render, false, store.error)
    store.ended = true
    if (!isDocument) return
    for (const [environmentName, fetched] of store.fetched)
      session.renders.recordPageRoots(store.url, environmentName, fetched)
  })
  session.requests.run(store, next)
}

/**
 * A `close` listener the app adds to a check's response runs in the check's scope: a framework
 * that broadcasts the render's error from there (Astro 5, 200 ms after the response closed) is
 * then seen by the browser channel as this check's error, which the checking tab already has
 * from the check's answer, and not sent to every tab.
 */
function keepScopeInCloseListeners(res) {
  const on = res.on
  res.on = res.addListener = function addListener(event, listener) {
    return on.call(
      this,
      event,
      event === 'close' && typeof listener === 'function' ? AsyncLocalStorage.bind(listener) : listener,
    )
  }
}

/** A browser's navigation (or one without fetch metadata, as tools send), not a `fetch()`. */
function isDocumentRequest(req) {
  const destination = req.headers['sec-fetch-dest']
  return destination === undefined || DOCUMENT_DESTINATIONS.has(destination)
}

/** The same-origin page a request was made from (`Referer`), as a tab reports its URL. */
function refererPage(req) {
  const referer = req.headers.referer
  if (typeof referer !== 'string' || referer.length > MAX_URL_LENGTH) return undefined
  try {
    const url = new URL(referer)
    if (url.host !== req.headers.host) return undefined
    return validPageUrl({ url: url.pathname + url.search })
  } catch {
    return undefined
  }
}

/**
 * Wraps the environment's `fetchModule` to record, per request, what the render asked for. An
 * environment outside Vite's process is heard of there too: its requests say it is re-importing
 * after an edit, and a decision waits for it to finish (the core's `pickup.rs`).
 */
function recordFetchedModules(session, environment) {
  const original = environment.fetchModule
  const outOfProcess = !isRunnable(environment)
  environment.fetchModule = async function fetchModule(id, importer, options) {
    if (outOfProcess) session.renders.noteFetch(environment)
    const result = await original.call(this, id, importer, options)
    const store = session.requests.getStore()
    if (store && !result?.externalize) {
      const name = session.nameOf(environment)
      let fetched = store.fetched.get(name)
      if (!fetched) store.fetched.set(name, (fetched = []))
      fetched.push({ id: result?.id ?? id, importer: importer ?? undefined })
    }
    return result
  }
  return () => {
    if (Object.hasOwn(environment, 'fetchModule')) delete environment.fetchModule
  }
}
