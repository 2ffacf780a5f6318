// Compiles the changed server-only files of a batch when it is due, before the core decides
// and before any tab refreshes. The core remembers which files fail and splits the decision
// into tabs to refresh and tabs whose page uses a broken file: those see Vite's error
// overlay instead of reloading into a 500 page, and refresh once the file is fixed.
// Compiling when the batch is due, not when the change arrives, reads what the editor
// wrote last (format on save writes twice), as the next request would.

import { existsSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { debug } from './logger.js'

/** How often, and how many times, an empty file is looked at again before it is compiled as it is. */
const EMPTY_FILE_POLL_MS = 10
const EMPTY_FILE_POLLS = 10

export class Compilation {
  /** @type {WeakSet<import('vite').EnvironmentModuleNode>} modules Vite transformed as code */
  #transformed = new WeakSet()
  /** @type {Map<string, unknown>} absolute file → its last compile error */
  #errors = new Map()
  /** @type {Set<string>} server-only files changed since the last compilation */
  #queued = new Set()
  #session

  /** @param {import('./dev-session.js').DevSession} session */
  constructor(session) {
    this.#session = session
  }

  /** Vite transformed this module (the graph-mirror plugin saw it): it is code, not a watched file. */
  markTransformed(mod) {
    this.#transformed.add(mod)
  }

  /** Queues a check of `file` in every server environment, once however often it is asked. */
  queue(file) {
    this.#queued.add(file)
  }

  /** Files changed since the last check wait for one. */
  get hasQueued() {
    return this.#queued.size > 0
  }

  /** Checks the queued files; returns how many were checked. */
  async run() {
    const files = [...this.#queued]
    this.#queued.clear()
    // Files still being written are waited for together: a codegen burst of empty files costs
    // one wait, not one per file.
    await Promise.all(files.map(untilWrittenOut))
    for (const file of files) {
      if (this.#session.disposed) break
      await this.#check(file)
    }
    return files.length
  }

  /** The error to show for a decision's broken files (root-relative), if one is known. */
  errorOf(brokenFiles, root) {
    for (const file of brokenFiles) {
      const error = this.#errors.get(path.resolve(root, file))
      if (error) return { file, error }
    }
    return undefined
  }

  async #check(file) {
    const session = this.#session
    // The content is read now: a later write the watcher drops must still be noticed.
    session.noteRead(file)
    let error
    if (existsSync(file)) {
      for (const environment of Object.values(session.environments)) {
        if (session.consumerOf(environment) !== 'server') continue
        error = await this.#compile(environment, file)
        if (error || session.disposed) break
      }
    }
    if (session.disposed) return
    if (error) this.#errors.set(file, error)
    else this.#errors.delete(file)
    session.guard('recording a compile result', (core) => core.setCompileError(file, !!error))
  }

  /** @returns {Promise<unknown>} the first module's error, or undefined when all compile */
  async #compile(environment, file) {
    for (const mod of environment.moduleGraph.getModulesByFile(file) ?? []) {
      // Only what Vite transformed before: a file a `?raw` import watches is a graph node
      // too, and transforming `notes.md` as code would "fail" for no reason.
      if (!this.#transformed.has(mod)) {
        debug(`(${environment.name}) ${mod.url}: never transformed here, not compiled`)
        continue
      }
      // Compile what is on disk: a request may have cached an earlier write since Vite last
      // heard of the file (the watcher drops writes within 50 ms of each other).
      environment.moduleGraph.invalidateModule(mod)
      try {
        await environment.transformRequest(mod.url)
      } catch (error) {
        debug(`(${environment.name}) ${mod.url} does not compile: ${error?.message ?? error}`)
        return error
      }
      // That transform filled Vite's cache, which tells a runner refreshing through the
      // fetch protocol (ssrLoadModule's, or any without HMR) that its copy is current.
      // Soft-invalidate it again: the next fetch re-evaluates, reusing this result.
      environment.moduleGraph.invalidateModule(mod, new Set(), undefined, false, true)
    }
    return undefined
  }
}

/**
 * Vite's rule for reading a file that just changed (`readModifiedFile`, what a hot update's
 * `read()` does): an empty file is most likely still being written, so wait up to 100 ms for
 * its next write rather than compile, and refresh tabs with, a module that is not there yet.
 */
async function untilWrittenOut(file) {
  const first = await stat(file).catch(() => undefined)
  if (!first || first.size > 0) return
  for (let poll = 0; poll < EMPTY_FILE_POLLS; poll++) {
    await sleep(EMPTY_FILE_POLL_MS)
    const now = await stat(file).catch(() => undefined)
    if (!now || now.mtimeMs !== first.mtimeMs || now.size !== first.size) return
  }
}
