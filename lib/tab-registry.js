// Which Vite websocket client is which tab of the core. Tab ids are assigned by the core and
// never sent by the browser: a message can only speak for the socket it arrived on.

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
    this.#clientsByTab.set(tab, client)
    this.#tabsByClient.set(client, tab)
  }

  remove(client) {
    const tab = this.#tabsByClient.get(client)
    if (tab === undefined) return undefined
    this.#tabsByClient.delete(client)
    this.#clientsByTab.delete(tab)
    return tab
  }

  get size() {
    return this.#clientsByTab.size
  }

  clear() {
    this.#clientsByTab.clear()
  }
}
