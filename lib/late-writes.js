// Chokidar, Vite's watcher, reports at most one `change` per file every 50 ms and drops the
// rest (paulmillr/chokidar#1455, #1084): an editor's second write (format on save) or the
// second half of a file written in two steps can go unreported, and Vite, the browser and
// this plugin would keep what the first write left (the compile check even caches it). So
// each reported file's modification time is noted when it is reported, which is when Vite
// and the compile check read it; once the throttle window is over, a file that changed
// since without being reported again is reported to Vite, as the watcher would have.

import { statSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { debug } from './logger.js'

/** Chokidar's throttle for `change` events of one file, plus a margin. */
const RECHECK_AFTER_MS = 50 + 20

function mtimeOf(file) {
  try {
    return statSync(file).mtimeMs
  } catch {
    return undefined
  }
}

export class LateWriteCheck {
  /** @type {{ emit(event: string, file: string): unknown } | undefined} */ #watcher
  /** @type {Map<string, { mtimeMs: number, since: number }>} each file's state when last seen */
  #seen = new Map()
  #timer = null

  constructor(watcher) {
    this.#watcher = typeof watcher?.emit === 'function' ? watcher : undefined
  }

  /** The watcher reported `file` (a hot update reached the plugin). */
  noteReported(file) {
    this.#note(file)
  }

  #note(file) {
    if (!this.#watcher) return
    const mtimeMs = mtimeOf(file)
    if (mtimeMs === undefined) return void this.#seen.delete(file)
    this.#seen.set(file, { mtimeMs, since: performance.now() })
    this.#timer ??= setTimeout(() => this.#recheck(), RECHECK_AFTER_MS)
    this.#timer.unref?.()
  }

  #recheck() {
    this.#timer = null
    const now = performance.now()
    let soonest = Infinity
    for (const [file, { mtimeMs, since }] of this.#seen) {
      const age = now - since
      if (age < RECHECK_AFTER_MS) {
        soonest = Math.min(soonest, RECHECK_AFTER_MS - age)
        continue
      }
      this.#seen.delete(file)
      const current = mtimeOf(file)
      if (current === undefined || current === mtimeMs) continue
      debug(`${file} was written again without a watcher event: reporting it to Vite`)
      this.#watcher.emit('change', file)
    }
    if (soonest !== Infinity) {
      this.#timer = setTimeout(() => this.#recheck(), soonest)
      this.#timer.unref?.()
    }
  }

  dispose() {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    this.#seen.clear()
  }
}
