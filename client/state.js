// Everything this tab's runtime knows, in one object: each part of the runtime reads and
// writes its own fields here, and nowhere else keeps state. The burst part outlives a reload
// (sessionStorage), so that a reload of our own still counts as activity of its burst.

const BURST_KEY = 'ssr-hmr:burst'

export const state = {
  /** The URL last reported to the server (`ssr-hmr:page`); undefined until the first report. */
  reportedUrl: undefined,
  /** A reload of ours is under way: later updates are already covered by it. */
  reloading: false,
  /**
   * Epoch ms of: the last update or refresh (`activeAt`), the last update (`updateAt`), and
   * this runtime's reload in progress (`reloadAt`). Kept in sessionStorage (`saveBurst`).
   */
  burst: loadBurst(),
  /** Timers of what waits for a burst to settle: a check to answer, the trailing refresh. */
  waitingForSettle: { check: null, refresh: null },
  /**
   * The stamp of the server render this document shows whole (its own, or one it was updated
   * to in place), the base of a three-way patch; undefined after a client-side navigation.
   */
  shownRender: undefined,
  /**
   * The base of the next three-way patch, parsed (patch.js): `{ render, document }`, the
   * document a promise; fetched as a check starts, or the fresh render the last patch applied.
   */
  baseDocument: undefined,
  /** The check in flight: `{ token, url, controller, response, timer, errorShown }`. */
  check: null,
  /** The running morph, if any, and whether another update arrived while it ran. */
  morphing: null,
  morphAgain: false,
  /** The framework parts for 'auto' (in-place.js), once fetched: a promise. */
  frameworkParts: undefined,
  /** The running in-place update, if any: later ones wait for it. */
  updatingInPlace: null,
  /** Counts in-place updates: a running one is superseded by a later one. */
  inPlaceSerial: 0,
  /** idiomorph, once asked for: a promise of its `Idiomorph`. */
  idiomorph: undefined,
  /** The error overlay this runtime shows: a server module that does not compile, a failing render. */
  shownError: null,
}

function loadBurst() {
  try {
    return JSON.parse(sessionStorage.getItem(BURST_KEY)) ?? {}
  } catch {
    return {}
  }
}

export function saveBurst() {
  try {
    sessionStorage.setItem(BURST_KEY, JSON.stringify(state.burst))
  } catch {
    // Storage disabled: bursts are still folded within one page load.
  }
}
