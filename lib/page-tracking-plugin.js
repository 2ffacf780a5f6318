// Learns which page each tab shows, which server modules each page's render requested, and
// what each render sent.
//
// Its middleware goes first in the dev server's stack, whatever the plugin order, so that a
// framework whose middleware renders pages and never calls `next()` is still seen. Around every
// GET it opens an AsyncLocalStorage scope, still active when the app renders through a module
// runner or `ssrLoadModule`: a wrapper around the server environments' `fetchModule` sees, per
// request, the entry and every `import()` taken (the page's roots). Every HTML response is
// stamped (`Server-Timing: ssr-hmr;desc="<render>"`) when its headers go out and fingerprinted
// by the core as it streams; the tab reports the stamp back. A tab's request for its own page
// (`x-ssr-hmr-page-fetch`, sent when a change may have made it stale) is rendered the same way, and
// the core compares the two fingerprints when it ends.

import { AsyncLocalStorage } from 'node:async_hooks'
import { CONTRACT, EVENTS } from './contract.js'
import { isRunnable } from './invalidate.js'
import { debug } from './logger.js'
import { answerRenderRequest } from './render-html.js'

export const PAGE_EVENT = EVENTS.page
export const { serverTimingName: SERVER_TIMING_NAME, pageFetchHeader: PAGE_FETCH_HEADER } = CONTRACT.browser
const STRATEGIES = new Set(CONTRACT.browser.strategies)
const MAX_URL_LENGTH = 2048
const MAX_RENDER = 0xffffffff
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
          const url = validPageUrl(data)
          if (url === undefined) return debug(`ignored an invalid ${PAGE_EVENT} message`)
          session.reportPage(client, url, validRender(data.render), validStrategy(data.strategy))
        }
        server.ws.on(PAGE_EVENT, onPage)
        const onDisconnect = (_data, client) => session.forgetTab(client)
        server.ws.on('vite:client:disconnect', onDisconnect)
        session.onDispose(() => {
          server.ws.off(PAGE_EVENT, onPage)
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
    if (!store.ended) session.endRender(store.render, false, store.error)
    store.ended = true
    if (!isDocument) return
    for (const [environmentName, fetched] of store.fetched) session.recordPageRoots(store.url, environmentName, fetched)
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
 * Stamps and fingerprints the response if it is HTML (or answers a check, whatever it is: an
 * error page is a verdict too). Decided once, just before the headers go out, from the status
 * and `Content-Type` the app set; the body then streams through the core.
 */
function watchResponse(session, res, store, pageFetch) {
  const { writeHead, write, end } = res
  let decided = false
  const begin = (statusCode, headers) => {
    if (decided) return
    decided = true
    const contentType = headerOf(headers, 'content-type') ?? res.getHeader('content-type')
    if (store.fetchedFrom !== undefined)
      session.notePageRefetch(store.fetchedFrom, Number(statusCode) | 0, String(contentType ?? ''))
    if (pageFetch === undefined && !String(contentType ?? '').includes('text/html')) return
    const isRedirect = statusCode >= 300 && statusCode < 400
    const location = isRedirect ? String(headerOf(headers, 'location') ?? res.getHeader('location') ?? '') : undefined
    store.render = session.beginRender(store.url, Number(statusCode) | 0, location, pageFetch)
    if (store.render !== undefined) appendServerTiming(res, headers, `${SERVER_TIMING_NAME};desc="${store.render}"`)
  }
  const fingerprint = (chunk, encoding) => {
    if (store.render !== undefined && !store.ended && chunk != null && typeof chunk !== 'function') {
      session.writeRender(store.render, toBytes(chunk, encoding))
    }
  }
  res.writeHead = function (statusCode, ...rest) {
    begin(
      statusCode,
      rest.find((arg) => typeof arg === 'object' && arg !== null),
    )
    return writeHead.call(this, statusCode, ...rest)
  }
  res.write = function (chunk, encoding, callback) {
    if (!res.headersSent) begin(res.statusCode)
    fingerprint(chunk, encoding)
    return write.call(this, chunk, encoding, callback)
  }
  res.end = function (chunk, encoding, callback) {
    if (!res.headersSent) begin(res.statusCode)
    fingerprint(chunk, encoding)
    const result = end.call(this, chunk, encoding, callback)
    if (store.render !== undefined && !store.ended) {
      store.ended = true
      session.endRender(store.render, true, store.error)
    }
    return result
  }
}

/** A header from `writeHead`'s object or flat array argument. */
function headerOf(headers, name) {
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) if (String(headers[i]).toLowerCase() === name) return headers[i + 1]
    return undefined
  }
  if (!headers) return undefined
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key]
  return undefined
}

/** Adds our entry to `Server-Timing`, wherever the app is setting that header. */
function appendServerTiming(res, headers, entry) {
  if (Array.isArray(headers)) {
    headers.push('Server-Timing', entry)
    return
  }
  const key = headers && Object.keys(headers).find((k) => k.toLowerCase() === 'server-timing')
  if (key) headers[key] = [headers[key], entry].flat().join(', ')
  else res.appendHeader('Server-Timing', entry)
}

function toBytes(chunk, encoding) {
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8')
  return chunk instanceof Uint8Array ? chunk : Buffer.from(String(chunk))
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
    if (outOfProcess) session.noteFetch(environment)
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

/**
 * Browser messages are untrusted: only a bounded, same-origin path is accepted, without
 * control characters (it ends up in the terminal's log lines). Memory stays bounded however
 * many arrive: a socket is one tab whose URL a message replaces, and the core caps tabs
 * and pages.
 */
function validPageUrl(data) {
  const url = data?.url
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_URL_LENGTH) return undefined
  if (url[0] !== '/' || url.startsWith('//') || hasControlCharacter(url)) return undefined
  return url
}

/** The render stamp a tab reports, if it is one the core could have handed out. */
function validRender(render) {
  return Number.isSafeInteger(render) && render >= 1 && render <= MAX_RENDER ? render : undefined
}

/** The strategy a tab's page picks (`<meta name="ssr-hmr">`), if it is one. */
function validStrategy(strategy) {
  return STRATEGIES.has(strategy) ? strategy : undefined
}

/** A C0 control character or DEL: never in a URL a browser sends. */
function hasControlCharacter(text) {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || code === 0x7f) return true
  }
  return false
}
