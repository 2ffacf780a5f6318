// A framework that updates the page in place for a server-only change (React Router's hot
// data revalidation) can end a burst of edits stale: each edit starts a revalidation that
// interrupts the one before, and now and then the page keeps the data of an edit before the
// last while the server already renders the last (seen in 1 of 4 ten-edit bursts here, and
// in 3 of 6 without this plugin). The plugin stands aside for such edits, so it owes the tab
// its last state: once a burst of in-place updates of a file has been quiet for the settle
// window, the framework's last update of it is sent once more, with a new timestamp. The
// framework then does what it does for one save, on a server that has stopped changing: its
// in-place update, with state kept. A lone save (nothing before it within the window) is not
// replayed. The same holds for a framework whose in-place protocol is a custom event the tabs
// answer by re-fetching their page (`@vitejs/plugin-rsc`'s `rsc:update`): its last event is
// broadcast again, and the tabs re-fetch once more from a server that has stopped changing.

import { debug } from './logger.js'

export class InPlaceReplay {
  #send
  #settleMs
  /** @type {Map<string, { at: number, sentAt: number, payload: object, burst: boolean, timer: any }>} */
  #files = new Map()

  /**
   * @param {(payload: object, sentAt: number) => void} send sends on the browser channel (`sentAt`:
   *   when the framework sent the payload first)
   * @param {number} settleMs the longest gap between two changes of one burst
   */
  constructor(send, settleMs) {
    this.#send = send
    this.#settleMs = settleMs
  }

  /** Another plugin carried a change of `file` to the browser with `payload` (an `update` or a custom event). */
  updated(file, payload, sentAt = performance.now()) {
    const now = performance.now()
    const last = this.#files.get(file)
    clearTimeout(last?.timer)
    const burst = !!last && (last.burst || now - last.at <= this.#settleMs)
    const entry = { at: now, sentAt, payload, burst, timer: undefined }
    entry.timer = setTimeout(() => this.#settled(file, entry), this.#settleMs)
    entry.timer.unref?.()
    this.#files.set(file, entry)
  }

  #settled(file, entry) {
    if (this.#files.get(file) !== entry) return
    this.#files.delete(file)
    if (!entry.burst) return
    debug(`${file}: a burst updated in place by another plugin has settled: its last update sent again`)
    this.#send(fresh(entry.payload), entry.sentAt)
  }

  dispose() {
    for (const entry of this.#files.values()) clearTimeout(entry.timer)
    this.#files.clear()
  }
}

/** The payload to send again: an `update`'s modules with a new timestamp, a custom event as it was. */
function fresh(payload) {
  if (payload.type !== 'update') return payload
  const timestamp = Date.now()
  return { ...payload, updates: payload.updates.map((update) => ({ ...update, timestamp })) }
}
