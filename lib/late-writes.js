// Chokidar, Vite's watcher, reports at most one `change` per file every 50 ms and drops the
// rest (paulmillr/chokidar#1455, #1084): an editor's second write (format on save) or the
// second half of a file written in two steps can go unreported, and Vite, the browser and
// this plugin would keep what the first write left (the compilation even caches it). So
// each reported file's modification time is noted when it is reported, which is when Vite
// and the compilation read it; once the throttle window is over, a file that changed
// since without being reported again is reported to Vite, as the watcher would have.
// Size and change time count too: a file system with coarse modification times can give
// both writes the same one.

import { statSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { debug } from './logger.js'

/** Chokidar's throttle for `change` events of one file, plus a margin. */
const RECHECK_AFTER_MS = 50 + 20
/** How long a file reported again may take to reach the plugin's hooks before it stops counting as pending. */
const REPORT_PENDING_MS = 1000

/** What tells one write of `file` from the next, or `undefined` if it is gone. */
function versionOf(file) {
  try {
    const { mtimeMs, ctimeMs, size } = statSync(file)
    return `${mtimeMs}:${ctimeMs}:${size}`
  } catch {
    return undefined
  }
}

export class LateWrites {
  /** @type {{ emit(event: string, file: string): unknown } | undefined} */ #watcher
  /** @type {Map<string, { version: string, since: number }>} each file's state when last seen */
  #seen = new Map()
  /** @type {Map<string, number>} files reported to Vite again → when, until their hooks run */
  #reported = new Map()
  #timer = null

  constructor(watcher) {
    this.#watcher = typeof watcher?.emit === 'function' ? watcher : undefined
  }

  /** The watcher reported `file` (a hot update reached the plugin). */
  noteReported(file) {
    this.#reported.delete(file)
    this.#note(file)
  }

  /** `file`'s content is read now (by a compilation). */
  noteRead(file) {
    this.#note(file)
  }

  /** A write may still be reported: a recheck is due, or a file reported again has not reached the hooks yet. */
  get pending() {
    const now = performance.now()
    for (const [file, at] of this.#reported) if (now - at > REPORT_PENDING_MS) this.#reported.delete(file)
    return this.#timer !== null || this.#reported.size > 0
  }

  #note(file) {
    if (!this.#watcher) return
    const version = versionOf(file)
    if (version === undefined) return void this.#seen.delete(file)
    this.#seen.set(file, { version, since: performance.now() })
    this.#timer ??= setTimeout(() => this.#recheck(), RECHECK_AFTER_MS)
    this.#timer.unref?.()
  }

  #recheck() {
    this.#timer = null
    const now = performance.now()
    let soonest = Infinity
    for (const [file, { version, since }] of this.#seen) {
      const age = now - since
      if (age < RECHECK_AFTER_MS) {
        soonest = Math.min(soonest, RECHECK_AFTER_MS - age)
        continue
      }
      this.#seen.delete(file)
      const current = versionOf(file)
      if (current === undefined || current === version) continue
      debug(`${file} was written again without a watcher event: reporting it to Vite`)
      this.#reported.set(file, now)
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
    this.#reported.clear()
  }
}
