// A websocket client that connects to Vite's HMR endpoint exactly as the browser client does
// (subprotocol `vite-hmr`, the `token` query, an `Origin` header) and records every payload.
// Like the plugin's browser runtime, it answers `ssr-hmr:check` by fetching its page with the
// check's token (unless `answerChecks: false`).

import WebSocket from 'ws'
import { sleep, timedOut } from './wait.js'

/**
 * @param {{ origin: string, server?: import('vite').ViteDevServer, token?: string }} devServer
 *   a server from startViteDevServer, or any origin with its `webSocketToken`
 */
export async function connectHmrClient(devServer, { page, answerChecks = true } = {}) {
  const { origin } = devServer
  const token = devServer.token ?? devServer.server.config.webSocketToken
  const url = `${origin.replace('http', 'ws')}/?token=${encodeURIComponent(token)}`
  const socket = new WebSocket(url, 'vite-hmr', { headers: { Origin: origin } })
  const payloads = []
  const waiters = new Set()
  socket.on('message', (raw) => {
    const payload = JSON.parse(String(raw))
    payloads.push(payload)
    // As the browser runtime does: fetch the page this "tab" shows with the check's token.
    if (answerChecks && isCheckEvent(payload) && client.page) {
      fetch(origin + client.page, { headers: { accept: 'text/html', 'x-ssr-hmr-page-fetch': payload.data.token } })
        .then((response) => response.text())
        .catch(() => {})
    }
    for (const waiter of waiters) waiter()
  })
  await new Promise((resolve, reject) => {
    socket.once('open', resolve)
    socket.once('error', reject)
  })
  const client = {
    payloads,
    /** The page this "tab" said it shows. */
    page: undefined,
    /** Sends a custom event, as `import.meta.hot.send(event, data)` does. */
    send(event, data) {
      if (event === 'ssr-hmr:page' && typeof data?.url === 'string') client.page = data.url
      socket.send(JSON.stringify({ type: 'custom', event, data }))
    },
    /** Says which page this "tab" shows (and the render it shows), as the browser runtime does. */
    async showPage(url, render) {
      client.send('ssr-hmr:page', { url, render })
      // The message has no reply; give the server's loop a moment to handle it.
      await sleep(50)
    },
    /** Payloads received from now on: call the result to get them; pass it as `since` to `waitFor`. */
    mark() {
      const start = payloads.length
      const received = () => payloads.slice(start)
      received.start = start
      return received
    },
    /**
     * Resolves with the first payload (from `since`: an index or a `mark()`) that matches, or
     * rejects after `timeout`.
     */
    waitFor(predicate, { timeout = 5000, since = 0 } = {}) {
      if (typeof since === 'function') since = since.start
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = payloads.slice(since).find(predicate)
          if (!found) return false
          waiters.delete(check)
          clearTimeout(timer)
          resolve(found)
          return true
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(timedOut(timeout, 'a matching HMR payload', `; got ${JSON.stringify(payloads.slice(since))}`))
        }, timeout)
        waiters.add(check)
        check()
      })
    },
    close() {
      socket.close()
    },
  }
  if (page) await client.showPage(page)
  return client
}

/**
 * Clients of one test file: `connect` opens one (optionally on a page), `closeAll` closes
 * every one opened so far (call it in afterEach, so a failing test leaks none).
 * @param {() => Parameters<typeof connectHmrClient>[0]} getDevServer
 */
export function hmrClientPool(getDevServer) {
  const clients = []
  return {
    async connect(page) {
      const client = await connectHmrClient(getDevServer(), { page })
      clients.push(client)
      return client
    },
    async closeAll() {
      for (const client of clients.splice(0)) client.close()
      await sleep(50)
    },
  }
}

export const isUpdateEvent = (payload) => payload.type === 'custom' && payload.event === 'ssr-hmr:update'
/** The compile error of a server module, shown in the tab's overlay. */
export const isErrorEvent = (payload) => payload.type === 'custom' && payload.event === 'ssr-hmr:error'
export const isCheckEvent = (payload) => payload.type === 'custom' && payload.event === 'ssr-hmr:check'
/** The URLs of the pages an `ssr-hmr:update` says the change may affect. */
export const pageUrls = (data) => data.pages.map((page) => page.url)
export const isFullReload = (payload) => payload.type === 'full-reload'
export const isViteUpdate = (payload) => payload.type === 'update'
