// Sockets that have not said yet which page they show, and the update each missed. Whether
// one gets it when it reports, and when one that never reports is reloaded, is the core's
// (`waiting_sockets.rs`); the sockets and the update to send are here, each socket numbered
// for the core.

import { performance } from 'node:perf_hooks'
import { EVENTS } from './contract.js'
import { sendCompileError } from './error-overlay.js'
import { NO_TAB } from './tab-registry.js'

const UPDATE_EVENT = EVENTS.update

export class WaitingSockets {
  /** @type {import('./dev-session.js').DevSession} */
  #session
  #next = 0
  /** @type {WeakMap<import('vite').WebSocketClient, number>} */
  #ids = new WeakMap()
  /** @type {Map<number, { client: import('vite').WebSocketClient, data: object }>} socket → the update it missed */
  #waiting = new Map()

  constructor(session) {
    this.#session = session
  }

  #idOf(client) {
    let id = this.#ids.get(client)
    if (id === undefined) this.#ids.set(client, (id = ++this.#next))
    return id
  }

  /**
   * A decision went out with `data` as the update of a socket the core has no tab for: those
   * that have not said which page they show wait for it, and those past the core's tab cap
   * get it now if the core says so (a decision that reaches every tab).
   */
  missedDecision(data) {
    const session = this.#session
    const unreported = []
    const untracked = new Map()
    for (const client of session.members.clients()) {
      const tab = session.tabs.tabOf(client)
      if (tab === undefined) {
        const id = this.#idOf(client)
        this.#waiting.set(id, { client, data })
        unreported.push(id)
      } else if (tab === NO_TAB) untracked.set(this.#idOf(client), client)
    }
    if (unreported.length === 0 && untracked.size === 0) return
    const reached = session.guard('holding an update', (core) =>
      core.socketsMissedDecision(unreported, [...untracked.keys()], performance.now()),
    )
    for (const id of reached ?? []) untracked.get(id)?.send({ type: 'custom', event: UPDATE_EVENT, data })
  }

  /** `client` reported its page: what it missed while unreported, if the core says it gets it. */
  reported(client, url, render) {
    const id = this.#ids.get(client)
    const waiting = id !== undefined && this.#waiting.get(id)
    if (!waiting) return
    this.#waiting.delete(id)
    const gets = this.#session.guard('reaching a reported tab', (core) =>
      core.socketReported(id, url, render !== undefined),
    )
    if (!gets) return
    if (waiting.data.brokenFiles?.length) sendCompileError(this.#session, client, waiting.data.brokenFiles)
    client.send({ type: 'custom', event: UPDATE_EVENT, data: { ...waiting.data, page: url } })
  }

  closed(client) {
    const id = this.#ids.get(client)
    if (id === undefined || !this.#waiting.delete(id)) return
    this.#session.guard('forgetting a socket', (core) => core.socketClosed(id))
  }

  /** Sockets that never reported in time get a full reload. */
  reload(ids) {
    for (const id of ids) {
      const waiting = this.#waiting.get(id)
      this.#waiting.delete(id)
      waiting?.client.send({ type: 'full-reload', path: '*' })
    }
  }

  clear() {
    this.#waiting.clear()
  }
}
