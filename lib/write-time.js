// When a reported file was last written, on the clock the core is given (`performance.now()`):
// its modification time, which a busy dev server cannot delay. A change reaches the hooks late
// whenever the event loop is busy (a render, a transform), and a burst written 30 ms apart
// can arrive in pieces far enough apart to look like separate edits; the core batches by the
// write time when it is plausible (`change_at.rs`).

import { statSync } from 'node:fs'
import { performance } from 'node:perf_hooks'

/** `file`'s write time on the `performance.now()` clock, or `undefined` if unknown. */
export function writtenAt(file) {
  let stats
  try {
    stats = statSync(file, { throwIfNoEntry: false })
  } catch {
    return undefined
  }
  const mtimeMs = stats?.mtimeMs
  // Whole seconds: a file system with coarse times (FAT, HFS+, some network mounts) cannot
  // tell writes 30 ms apart from writes 900 ms apart.
  if (!Number.isFinite(mtimeMs) || mtimeMs % 1000 === 0) return undefined
  return performance.now() - (Date.now() - mtimeMs)
}
