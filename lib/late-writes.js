// Chokidar, Vite's watcher, reports at most one `change` per file every 50 ms and drops the
// rest (paulmillr/chokidar#1455, #1084): an editor's second write (format on save) or the
// second half of a file written in two steps can go unreported, and Vite, the browser and
// this plugin would keep what the first write left (the compile check even caches it). So,
// once a batch is acted on, its files' modification times are noted; after the throttle
// window, a file that changed since without being reported is reported to Vite again, as
// the watcher would have.

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
  /** @type {Map<string, { mtimeMs: number, at: number }>} files acted on, and their state then */
  #acted = new Map()
  /** @type {Map<string, number>} when each file was last reported */
  #reported = new Map()
  #timer = null

  constructor(watcher) {
    this.#watcher = typeof watcher?.emit === 'function' ? watcher : undefined
  }

  /** The watcher reported `file` (through a hot update). */
  noteReported(file) {
    this.#reported.set(file, performance.now())
  }

  /** A batch with these files (absolute paths) was just acted on. */
  actedOn(files) {
    if (!this.#watcher) return
    const at = performance.now()
    for (const file of files) {
      const mtimeMs = mtimeOf(file)
      if (mtimeMs !== undefined) this.#acted.set(file, { mtimeMs, at })
    }
    if (this.#acted.size === 0 || this.#timer) return
    this.#timer = setTimeout(() => this.#recheck(), RECHECK_AFTER_MS)
    this.#timer.unref?.()
  }

  #recheck() {
    this.#timer = null
    const now = performance.now()
    for (const [file, { mtimeMs, at }] of this.#acted) {
      if (now - at < RECHECK_AFTER_MS) continue
      this.#acted.delete(file)
      if ((this.#reported.get(file) ?? 0) > at) continue
      const current = mtimeOf(file)
      if (current === undefined || current === mtimeMs) continue
      debug(`${file} was written again without a watcher event: reporting it to Vite`)
      this.#watcher.emit('change', file)
    }
    for (const [file, reportedAt] of this.#reported) if (now - reportedAt > RECHECK_AFTER_MS * 4) this.#reported.delete(file)
    if (this.#acted.size > 0) {
      this.#timer = setTimeout(() => this.#recheck(), RECHECK_AFTER_MS)
      this.#timer.unref?.()
    }
  }

  dispose() {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    this.#acted.clear()
    this.#reported.clear()
  }
}
