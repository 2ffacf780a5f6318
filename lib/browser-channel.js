// One dev server's browser channel (`server.environments.client.hot`, which is `server.ws`):
// every payload other plugins (and Vite) send on it passes here first, and the core says what
// becomes of it (`change_windows.rs`: a framework's bare full-reload for a server-only change
// is replaced by the plugin's decision, a client update or custom event carrying the change in
// place is noted, an error broadcast is noted). The rules, the windows of the changes in
// progress and their timers live in the core; this file reads the payloads and the watcher,
// keeps what the core asks it to keep (`lib/held-payloads.js`), and routes a check's error to
// the tab that checks.
//
// A change's window opens in a listener put before every other on Vite's watcher, so it is
// open before any other plugin's code runs for the change (a `watchChange`, a legacy
// `handleHotUpdate`, a `hotUpdate` of any order, a watcher listener of the framework's own),
// and closes once the last environment's hooks and the hooks after ours are done.

import { performance } from 'node:perf_hooks'
import { normalizePath } from 'vite'

/** The watcher events that Vite turns into a hot update. */
const WATCHER_EVENTS = ['change', 'add', 'unlink']
/** The payloads the core's rules read; any other is sent as it is. */
const READ_KINDS = new Set(['error', 'custom', 'update', 'full-reload'])

export class BrowserChannel {
  #session
  #hot
  #send
  #watcher
  /** `server.hot` of Vite 6, when it is a copy of the channel's methods: `{ hot, send }`. */
  #legacy
  #onWatcherEvent = (file) => {
    this.#session.guard('opening a change window', (core) =>
      core.windowWatcherEvent(this.id, normalizePath(file), performance.now()),
    )
    this.#session.driver.schedule()
  }

  /**
   * @param {import('./dev-session.js').DevSession} session
   * @param {import('vite').NormalizedHotChannel} hot one dev server's browser channel
   * @param {{ id: number, watcher?: import('vite').FSWatcher, serverHot?: object }} options `id`: the channel's
   *   number in the core
   */
  constructor(session, hot, { id, watcher, serverHot: legacy }) {
    this.#session = session
    this.id = id
    this.#hot = hot
    this.#send = this.#hot.send
    const channel = this
    this.#hot.send = function send(payload, ...rest) {
      if (channel.#intercept(payload)) return
      return channel.#send.call(this, payload, ...rest)
    }
    // Vite 6's `server.hot` copies `server.ws.send` when the server is created, so a send
    // through it (Astro 5's reload after a failed render, its error broadcasts) never reaches
    // the wrapper above: it gets the same interception.
    if (legacy && legacy !== this.#hot && typeof legacy.send === 'function' && legacy.send !== this.#hot.send) {
      const legacySend = legacy.send
      this.#legacy = { hot: legacy, send: legacySend }
      legacy.send = function send(payload, ...rest) {
        if (channel.#intercept(payload)) return
        return legacySend.call(this, payload, ...rest)
      }
    }
    // First among the watcher's listeners (Vite's own is registered before any plugin runs).
    if (typeof watcher?.prependListener === 'function') {
      this.#watcher = watcher
      for (const event of WATCHER_EVENTS) watcher.prependListener(event, this.#onWatcherEvent)
    }
  }

  /** Sends on the browser channel, past the interception (the plugin's own broadcasts). */
  send(payload) {
    this.#send.call(this.#hot, payload)
  }

  /** The server leaves: its sends are its own again, and the core forgets its windows. */
  restore() {
    this.#hot.send = this.#send
    if (this.#legacy) this.#legacy.hot.send = this.#legacy.send
    for (const event of WATCHER_EVENTS) this.#watcher?.off(event, this.#onWatcherEvent)
    this.#session.applyNow('closing a browser channel', (core) => core.dropChannel(this.id, Date.now()))
  }

  /**
   * The client environment's hooks for `file` run first: its change began at the watcher's
   * event, or begins now.
   */
  begin(file) {
    this.#session.guard('opening a change window', (core) => core.windowHookBegan(this.id, file, performance.now()))
    this.#session.driver.schedule()
  }

  /**
   * The last environment's hook for `file` ran: its change ends once the hooks after ours did
   * (the next turn of the event loop, a fact of Vite's loop the core cannot see).
   */
  end(file) {
    setImmediate(() => {
      if (this.#session.disposed) return
      this.#session.applyNow('closing a change window', (core) =>
        core.windowHooksEnded(this.id, file, performance.now(), Date.now()),
      )
      this.#session.driver.schedule()
    })
  }

  /** @returns {boolean} whether the payload is handled here (not sent as it is) */
  #intercept(payload) {
    const store = this.#session.requests.getStore()
    if (payload?.type === 'error' && store?.pageFetch !== undefined) {
      // The tab checking its page gets the error with the check's answer.
      store.error = payload.err
      return true
    }
    const kind = payload?.type
    if (!READ_KINDS.has(kind) || (kind === 'custom' && typeof payload.event !== 'string')) return false
    const urls =
      kind === 'update'
        ? (payload.updates ?? [])
            .flatMap((update) => [update.path, update.acceptedPath])
            .filter((url) => typeof url === 'string')
        : undefined
    const everyPage = payload.path === undefined || payload.path === '*'
    const triggeredBy = typeof payload.triggeredBy === 'string' ? payload.triggeredBy : undefined
    const result = this.#session.guard('reading what another plugin sends', (core) =>
      core.intercept(this.id, kind, urls, everyPage, triggeredBy, performance.now()),
    )
    if (!result) return false
    if (result.keep != null) this.#session.payloads.keep(result.keep, payload)
    return !result.send
  }
}
