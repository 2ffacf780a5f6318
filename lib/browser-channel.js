// What other plugins (and Vite) send to the browser while the plugin handles a change, read off
// the browser channel itself (`server.environments.client.hot`, which is `server.ws`), so the
// rule follows what a framework does, not its name:
//
// - A bare `full-reload` (every tab, no page) sent for a server-only change is a framework's copy
//   of Vite's docs recipe (Vike's, Astro's, an app's own): it reloads every tab once per file and
//   lands tabs on error pages. The plugin's targeted decision replaces it: dropped (unless
//   `frameworkReloads: 'keep'`). One sent before the plugin has classified the file is held
//   until it has.
// - A JS `update` of a client module that, on the server, imports a server-only file being
//   changed can only be a framework carrying that change to the browser itself (React Router
//   reloads the route module on the client, which revalidates its loaders in place): the plugin
//   stands aside for that file (the core tells, `in_place.rs`).
// - A custom event (`{ type: 'custom' }`) another plugin broadcasts while a server-only file is
//   being changed may be a framework's own in-place protocol (`@vitejs/plugin-rsc`'s
//   `rsc:update`: every tab re-fetches its page's RSC payload and renders it in place). The
//   channel does not guess from its name: it tells the core when it was sent, and the core
//   waits a moment for what the tabs do (`refetch.rs`): a tab that re-fetches its page is left
//   to the framework, the others get the plugin's decision.
// - Vite's error broadcast during a change (plugin-rsc's hook sends one for a file that does not
//   compile): every tab shows it already; the core does not have it shown again.
// - Vite's error broadcast for a request that failed, when the request is a tab's check of its
//   own page: only that tab should hear of it, and it does, from the check's answer.
//
// A change is "in progress" from the watcher's event for its file until every environment's
// hooks ran (the plugin's hook runs in each; the window closes once the last one and the hooks
// after it are done), so a send is attributed to the files in progress, or to the file a
// `triggeredBy` names. The window opens in a listener put before every other on Vite's watcher,
// so it is open before any other plugin's code runs for the change, whatever sends a reload:
// a `watchChange` hook, a legacy `handleHotUpdate` (Qwik's), a `hotUpdate` of any order in any
// environment, or a watcher listener of the plugin's own. A change Vite hands to the hooks
// without a watcher event opens at the client environment's hook. In a burst Vite handles
// several changes of one file at once (a hook awaits the file's content while the next watcher
// event starts): the file's window stays open until the last of them is done.

import { normalizePath } from 'vite'
import { InPlaceReplay } from './in-place-replay.js'
import { debug } from './logger.js'

/**
 * Longest a change may stay in progress since its watcher event or the client hook, when the
 * hooks never reach ours (a config file restarts the server; a hook before ours threw).
 */
const MAX_CHANGE_MS = 500
/** The watcher events that Vite turns into a hot update. */
const WATCHER_EVENTS = ['change', 'add', 'unlink']

export class BrowserChannel {
  #session
  #hot
  #send
  #keepFrameworkReloads
  #inPlaceReplay
  #watcher
  /** `server.hot` of Vite 6, when it is a copy of the channel's methods: `{ hot, send }`. */
  #legacy
  #onWatcherEvent = (file) => this.#open(normalizePath(file)).announced++
  /**
   * `open`: watcher events and hooks of the file not done yet; `announced`: those opened by a
   * watcher event whose client hook has not run yet.
   * @type {Map<string, { open: number, announced: number, serverOnly: boolean | undefined, held: object[], updatedInPlace: boolean, inPlaceUpdate?: object, frameworkEvent?: { at: number, payload: object }, errorShown?: boolean, timer: any }>}
   */
  #changes = new Map()
  /** Full-reloads of other plugins replaced since the last decision. */
  replaced = 0

  /**
   * @param {import('./dev-session.js').DevSession} session
   * @param {import('vite').NormalizedHotChannel} hot one dev server's browser channel
   */
  constructor(session, hot, { keepFrameworkReloads, settleMs, watcher, serverHot: legacy }) {
    this.#session = session
    this.#hot = hot
    this.#keepFrameworkReloads = keepFrameworkReloads
    this.#send = this.#hot.send
    this.#inPlaceReplay = new InPlaceReplay((payload, at) => {
      // A custom event is sent again only if it proved to be an in-place protocol: tabs re-fetched.
      if (payload.type === 'custom' && !session.guard('reading page re-fetches', (core) => core.pageRefetchedSince(at)))
        return
      this.send(payload)
    }, settleMs)
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

  restore() {
    this.#hot.send = this.#send
    if (this.#legacy) this.#legacy.hot.send = this.#legacy.send
    for (const event of WATCHER_EVENTS) this.#watcher?.off(event, this.#onWatcherEvent)
    this.#inPlaceReplay.dispose()
    for (const change of this.#changes.values()) clearTimeout(change.timer)
    this.#changes.clear()
  }

  /** Some change is still in progress: a decision now could miss what other plugins send. */
  get busy() {
    return this.#changes.size > 0
  }

  /**
   * The client environment's hooks for `file` run first: its change began at the watcher's
   * event, or begins now. Either way it may last another MAX_CHANGE_MS.
   */
  begin(file) {
    const change = this.#changes.get(file)
    if (change?.announced > 0) {
      change.announced--
      this.#arm(file, change)
    } else this.#open(file)
  }

  #open(file) {
    let change = this.#changes.get(file)
    if (!change)
      this.#changes.set(
        file,
        (change = { open: 0, announced: 0, serverOnly: undefined, held: [], updatedInPlace: false }),
      )
    change.open++
    this.#arm(file, change)
    return change
  }

  #arm(file, change) {
    clearTimeout(change.timer)
    change.timer = setTimeout(() => this.#close(file), MAX_CHANGE_MS)
    change.timer.unref?.()
  }

  /** A server environment classified `file`. */
  classified(file, changeClass) {
    const change = this.#changes.get(file)
    // An environment that does not run the file (Astro 7's `astro` environment, hooked before
    // `ssr`) says nothing about it: its held reloads wait for one that does, or for the close.
    if (!change || changeClass === 'unknown') return
    change.serverOnly = change.serverOnly === true || changeClass === 'server-only'
    this.#settleHeld(change)
  }

  /** The last environment's hook for `file` ran: its change ends once the hooks after ours did. */
  end(file) {
    setImmediate(() => {
      const change = this.#changes.get(file)
      if (change && --change.open <= 0) this.#close(file)
    })
  }

  #close(file) {
    const change = this.#changes.get(file)
    if (!change) return
    clearTimeout(change.timer)
    this.#changes.delete(file)
    change.serverOnly ??= false
    this.#settleHeld(change)
    if (change.serverOnly && change.errorShown)
      this.#session.guard('recording an error shown', (core) => core.onFrameworkError(file))
    if (change.serverOnly && change.updatedInPlace) {
      debug(`${file}: another plugin sent a client update for it: updated in place`)
      this.#session.guard('recording an update in place', (core) => core.onUpdatedInPlace(file))
      this.#inPlaceReplay.updated(file, change.inPlaceUpdate)
    } else if (change.serverOnly && change.frameworkEvent) {
      debug(`${file}: another plugin broadcast a custom event for it: the tabs may re-fetch their pages`)
      const { at, payload } = change.frameworkEvent
      this.#session.guard('recording a framework event', (core) => core.onFrameworkEvent(file, at))
      this.#inPlaceReplay.updated(file, payload, at)
    }
  }

  /** Held full-reloads of a change whose class is known: dropped if server-only, else sent. */
  #settleHeld(change) {
    if (change.serverOnly === undefined || change.held.length === 0) return
    const held = change.held.splice(0)
    if (change.serverOnly) this.#dropped(held.length)
    else for (const payload of held) this.send(payload)
  }

  /** @returns {boolean} whether the payload is handled here (not sent as it is) */
  #intercept(payload) {
    if (payload?.type === 'error' && this.#session.requests.getStore()?.check !== undefined) {
      // The tab checking its page gets the error with the check's answer.
      this.#session.requests.getStore().error = payload.err
      return true
    }
    if (this.#changes.size === 0) return false
    if (payload?.type === 'error') {
      // Another plugin shows the error of a change itself (plugin-rsc's hook, for a file that does not compile).
      for (const change of this.#changes.values()) change.errorShown = true
      return false
    }
    if (payload?.type === 'custom' && typeof payload.event === 'string') {
      const at = performance.now()
      for (const change of this.#changes.values())
        if (change.serverOnly !== false) change.frameworkEvent = { at, payload }
      return false
    }
    if (payload?.type === 'update') {
      const urls = (payload.updates ?? [])
        .flatMap((update) => [update.path, update.acceptedPath])
        .filter((url) => typeof url === 'string')
      for (const [file, change] of this.#changes) {
        if (change.serverOnly === false || change.updatedInPlace) continue
        change.updatedInPlace = !!this.#session.guard('reading a client update', (core) =>
          core.clientUpdateCarries(file, urls),
        )
        if (change.updatedInPlace) change.inPlaceUpdate = payload
      }
      return false
    }
    if (
      payload?.type !== 'full-reload' ||
      (payload.path !== undefined && payload.path !== '*') ||
      this.#keepFrameworkReloads
    )
      return false
    const changes = payload.triggeredBy
      ? [this.#changes.get(payload.triggeredBy)].filter(Boolean)
      : [...this.#changes.values()]
    if (changes.length === 0 || changes.some((change) => change.serverOnly === false)) return false
    if (changes.every((change) => change.serverOnly === true)) {
      this.#dropped(1)
      return true
    }
    // Not classified yet (a hook that runs before the plugin's): decided once it is.
    changes.find((change) => change.serverOnly === undefined).held.push(payload)
    return true
  }

  #dropped(count) {
    this.replaced += count
    debug(`replaced ${count} full-reload(s) another plugin sent for a server-only change`)
  }
}
