// Learns which page each tab shows and which server modules each page's render requested.
// An AsyncLocalStorage scope opened around every dev request is still active when the app
// renders through a module runner or `ssrLoadModule`, so a wrapper around the server
// environments' `fetchModule` sees, per request URL, the entry and every dynamic import()
// taken: the page's roots. The core's static closure from them gives the page's modules.
// Each HTML response is also stamped with the core's render epoch (`Server-Timing`), which
// the tab reports back: a tab that missed a refresh while it was reloading is found so.

import { AsyncLocalStorage } from 'node:async_hooks'
import { debug } from './logger.js'

export const PAGE_EVENT = 'ssr-hmr:page'
export const SERVER_TIMING_NAME = 'ssr-hmr'
const MAX_URL_LENGTH = 2048
const MAX_EPOCH = 0xffffffff
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER_RE = /[\u0000-\u001f\u007f]/

/** @param {import('./plugin-state.js').PluginState} state */
export function pageTrackingPlugin(state) {
  return {
    name: 'vite-plugin-ssr-hmr:page-tracking',
    apply: 'serve',
    configureServer(server) {
      const session = state.session
      if (!session || session.server !== server) return
      const requests = new AsyncLocalStorage()
      server.middlewares.use((req, res, next) => trackRequest(session, requests, req, res, next))
      const restoreFetchers = Object.values(server.environments)
        .filter((environment) => session.consumerOf(environment) === 'server')
        .map((environment) => recordFetchedModules(environment, requests))
      const onPage = (data, client) => {
        const url = validPageUrl(data)
        if (url === undefined) return debug(`ignored an invalid ${PAGE_EVENT} message`)
        session.reportPage(client, url, validEpoch(data.renderedEpoch))
      }
      server.ws.on(PAGE_EVENT, onPage)
      const onDisconnect = (_data, client) => session.forgetTab(client)
      server.ws.on('vite:client:disconnect', onDisconnect)
      session.onDispose(() => {
        server.ws.off(PAGE_EVENT, onPage)
        server.ws.off('vite:client:disconnect', onDisconnect)
        for (const restore of restoreFetchers) restore()
      })
    },
  }
}

function trackRequest(session, requests, req, res, next) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return next()
  const store = { url: req.url, rootsByEnvironment: new Map() }
  if (req.headers.accept?.includes('text/html')) {
    const epoch = session.guard('stamping a render', (core) => core.currentEpoch())
    if (epoch !== undefined) res.appendHeader('Server-Timing', `${SERVER_TIMING_NAME};desc="${epoch}"`)
  }
  res.once('close', () => {
    for (const [environmentName, roots] of store.rootsByEnvironment) {
      session.recordPageRoots(store.url, environmentName, [...roots])
    }
  })
  requests.run(store, next)
}

function recordFetchedModules(environment, requests) {
  const original = environment.fetchModule
  environment.fetchModule = async function fetchModule(id, importer, options) {
    const result = await original.call(this, id, importer, options)
    const store = requests.getStore()
    if (store && !result?.externalize) {
      let roots = store.rootsByEnvironment.get(environment.name)
      if (!roots) store.rootsByEnvironment.set(environment.name, (roots = new Set()))
      roots.add(result?.id ?? id)
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
  if (url[0] !== '/' || url.startsWith('//') || CONTROL_CHARACTER_RE.test(url)) return undefined
  return url
}

/** The render stamp a tab reports, if it is one the core could have handed out. */
function validEpoch(epoch) {
  return Number.isSafeInteger(epoch) && epoch >= 0 && epoch <= MAX_EPOCH ? epoch : undefined
}
