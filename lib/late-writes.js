// Reading files again for a write the watcher dropped. Chokidar, Vite's watcher, reports at
// most one `change` per file every 50 ms and drops the rest (paulmillr/chokidar#1455, #1084),
// so an editor's second write can go unreported. When to read a file again, and whether a
// report of ours is still on its way, is the core's (`late_writes.rs`); what is here is what
// only the shim can do: read a file's version (modification time, change time and size: a
// file system with coarse modification times can give both writes the same one) and report a
// changed file to Vite as the watcher would have.

import { statSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { debug } from './logger.js'

/** What tells one write of `file` from the next, or `null` if it is gone. */
function versionOf(file) {
  try {
    const { mtimeMs, ctimeMs, size } = statSync(file)
    return `${mtimeMs}:${ctimeMs}:${size}`
  } catch {
    return null
  }
}

export class LateWrites {
  /** @type {import('./dev-session.js').DevSession} */
  #session
  /** @type {{ emit(event: string, file: string): unknown } | undefined} */
  #watcher

  constructor(session, watcher) {
    this.#session = session
    this.#watcher = typeof watcher?.emit === 'function' ? watcher : undefined
  }

  /** The watcher reported `file` (a hot update reached the plugin): Vite reads it now. */
  noteReported(file) {
    this.#session.guard('noting a write', (core) => core.noteFileReported(file))
    this.noteRead(file)
  }

  /** `file`'s content is read now (by Vite, or a compilation). */
  noteRead(file) {
    if (!this.#watcher) return
    const version = versionOf(file)
    this.#session.guard('noting a write', (core) => core.noteFileRead(file, version, performance.now()))
  }

  /** The core's `recheckWrites`: each file whose version is not the one read is reported to Vite. */
  recheck(rechecks) {
    for (const { file, version } of rechecks) {
      const current = versionOf(file)
      if (current === null || current === version) continue
      debug(`${file} was written again without a watcher event: reporting it to Vite`)
      this.#session.guard('noting a write', (core) => core.noteWriteReportedAgain(file, performance.now()))
      this.#watcher?.emit('change', file)
    }
  }

  /** A write may still be reported (for tests' `whenIdle`). */
  get pending() {
    return !!this.#session.guard('noting a write', (core) => core.lateWritesPending(performance.now()))
  }
}
