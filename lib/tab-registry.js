// Which Vite websocket client is which tab of the core. Tab ids are assigned by the core and
// never sent by the browser: a message can only speak for the socket it arrived on.
// Past its tab cap the core answers NO_TAB (0): such sockets are known here, so they are
// told apart from sockets that never reported, but they share the id, so only the
// client → tab direction holds them (the core then refreshes every tab).

import { CONTRACT } from './contract.js'

export const NO_TAB = CONTRACT.noTab

export class TabRegistry {
  /** @type {Map<number, import('vite').WebSocketClient>} */
  #clientsByTab = new Map()
  /** @type {WeakMap<import('vite').WebSocketClient, number>} */
  #tabsByClient = new WeakMap()

  tabOf(client) {
    return this.#tabsByClient.get(client)
  }

  clientOf(tab) {
    return this.#clientsByTab.get(tab)
  }

  add(tab, client) {
    if (tab !== NO_TAB) this.#clientsByTab.set(tab, client)
    this.#tabsByClient.set(client, tab)
  }

  remove(client) {
    const tab = this.#tabsByClient.get(client)
    if (tab === undefined) return undefined
    this.#tabsByClient.delete(client)
    if (tab !== NO_TAB) this.#clientsByTab.delete(tab)
    return tab
  }

  /** Forgets every tab (on dispose, and when a fresh core replaces one whose ids it reused). */
  clear() {
    this.#clientsByTab.clear()
    this.#tabsByClient = new WeakMap()
  }
}
