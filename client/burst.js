// Folding a burst of edits (branch switch, save-all, codegen): the server marks the updates
// and checks of one stream of edits as `settling`; acting on them waits until the stream has
// been quiet for `settleMs`, and a lone edit meanwhile brings it forward.

import { CONFIG } from './config.js'
import { saveBurst, state } from './state.js'

/**
 * An update or check arrived: returns whether it belongs to a burst that is still going on,
 * so that acting on it should wait. The server says whether more is coming (`settling`): it
 * saw the whole stream of edits, while this tab may have heard nothing of its start (its page
 * did not depend on the first edit, or the tab was reloading), so its word holds however long
 * the tab was quiet. A lone edit is acted on at once. Only a server that does not say is
 * judged by this tab's memory of the burst.
 */
export function noteBurstActivity(settling) {
  const now = Date.now()
  const remembered =
    state.waitingForSettle.check !== null ||
    state.waitingForSettle.refresh !== null ||
    now - (state.burst.activeAt ?? -Infinity) < CONFIG.settleMs
  const inBurst = typeof settling === 'boolean' ? settling : remembered
  state.burst.activeAt = state.burst.updateAt = now
  saveBurst()
  return inBurst
}

/**
 * (Re)arms what waits for the burst to settle: `'check'` (answering the server's check) or
 * `'refresh'` (the burst's trailing refresh). `run` runs once the burst has been quiet for
 * `settleMs`; arming again restarts the wait.
 */
export function whenSettled(kind, run) {
  clearTimeout(state.waitingForSettle[kind])
  state.waitingForSettle[kind] = setTimeout(() => {
    state.waitingForSettle[kind] = null
    run()
  }, CONFIG.settleMs)
}

export function cancelWhenSettled(kind) {
  clearTimeout(state.waitingForSettle[kind])
  state.waitingForSettle[kind] = null
}
