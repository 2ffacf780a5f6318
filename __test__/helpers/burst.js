// Writes a burst of edits the way an editor's save-all or a codegen does, and says whether it
// really was one burst. The tests write from the process that also runs the dev server and
// drives Chromium: on a loaded machine a write can come hundreds of ms late, and a pause
// longer than the batcher's stream gap (quiet + max wait: the longest a batch stays open)
// ends a burst by definition; the edits after it are a new one, with refreshes of its own.
// The same holds one step later: when the dev server, starved of CPU, goes longer than the
// runtime's settle window without a decision about the tab, the tab saw the burst end, and
// what follows is a new burst to it.

import { performance } from 'node:perf_hooks'
import { resolveOptions, settleMsOf } from '../../lib/options.js'

const { batch } = resolveOptions()
/** The default batch's stream gap (`batch.quietMs + batch.maxWaitMs`). */
export const STREAM_GAP_MS = batch.quietMs + batch.maxWaitMs
/** The browser runtime's settle window for the default batch. */
const SETTLE_MS = settleMsOf(batch)

/**
 * Calls `edit(i)` `count` times, `spacingMs` apart; returns how many bursts the writes made
 * (1 unless the writer itself was held up past the stream gap) and the gaps between writes.
 */
export async function writeBurst(count, spacingMs, edit) {
  const at = []
  for (let i = 0; i < count; i++) {
    edit(i)
    at.push(performance.now())
    await new Promise((resolve) => setTimeout(resolve, spacingMs))
  }
  const gaps = at.slice(1).map((t, i) => t - at[i])
  const bursts = 1 + gaps.filter((gap) => gap >= STREAM_GAP_MS).length
  const longest = Math.max(0, ...gaps)
  return { bursts, note: `${count} writes in ${bursts} burst(s), longest gap ${longest.toFixed(0)} ms` }
}

/**
 * How many bursts a tab lived through for a `written` burst: the writer's own count, or more
 * when the server's decisions about the tab (checks, unchecked updates: `{ at }` in ms, in
 * order) paused past the settle window.
 */
export function burstsSeenBy(decisions, written) {
  const silences = decisions.slice(1).filter(({ at }, i) => at - decisions[i].at >= SETTLE_MS).length
  return Math.max(written.bursts, 1 + silences)
}
