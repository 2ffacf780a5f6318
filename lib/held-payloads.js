// The payloads other plugins sent that the core asked the shim to keep (`held_payloads.rs`):
// a framework's full-reload held until its file is classified, the client update or custom
// event that carried a change in place (sent again once a burst settled). The rules are the
// core's; the objects are JavaScript, so they wait here under the id the core gave them, and
// the core's effects say which to send, to send again, or to forget.

import { debug } from './logger.js'

export class HeldPayloads {
  /** @type {Map<number, object>} */
  #byId = new Map()

  keep(id, payload) {
    this.#byId.set(id, payload)
  }

  /**
   * Carries out the core's payload effects.
   * @param {{ channel: number, payload: number, action: 'send' | 'replay' | 'drop', forget: boolean }[]} effects
   * @param {(channel: number) => import('./browser-channel.js').BrowserChannel | undefined} channelOf
   */
  apply(effects, channelOf) {
    for (const { channel, payload: id, action, forget } of effects) {
      const payload = this.#byId.get(id)
      if (forget) this.#byId.delete(id)
      if (payload === undefined || action === 'drop') continue
      if (action === 'replay')
        debug('a burst updated in place by another plugin has settled: its last update sent again')
      channelOf(channel)?.send(action === 'replay' ? replayed(payload) : payload)
    }
  }

  get size() {
    return this.#byId.size
  }

  clear() {
    this.#byId.clear()
  }
}

/** The payload to send again: an `update`'s modules with a new timestamp, a custom event as it was. */
export function replayed(payload) {
  if (payload.type !== 'update') return payload
  const timestamp = Date.now()
  return { ...payload, updates: payload.updates.map((update) => ({ ...update, timestamp })) }
}
