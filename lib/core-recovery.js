// A fresh core after a failure that leaves the old one unusable.
//
// Natively the binding catches a Rust panic (`catch_unwind`) and the core goes on. On
// WebAssembly a panic aborts: the call throws `RuntimeError: unreachable` and that SsrHmrCore
// stays mutably borrowed, so every later call throws too. DevSession.guard already turns the
// failure into the always-safe action (reload every tab); this file gives it a core that can
// decide the next edit correctly. With the WebAssembly build the session's core is a
// `RecoverableCore`: it forwards every call to the real core and remembers the little it
// cannot read back from Vite (which environments exist, which modules the mirror was given and
// which of their imports are dynamic). When a call fails and the core no longer answers, it
// builds a new core and refills its mirror from every environment's `moduleGraph`.
// Tabs and pages are not copied: every tab reloads after a failure, so each one reports its
// page again and each page is rendered again; until then the new core does not know them,
// and an unknown tab or page counts as affected by every change.

import { performance } from 'node:perf_hooks'
import { keyOf, toAnalyzedModule } from './graph-mirror-plugin.js'
import { colors, debug } from './logger.js'

/** The session's core: the binding's own object natively, a `RecoverableCore` on WebAssembly. */
export function createCore(binding, options) {
  const core = new binding.SsrHmrCore(options)
  const target = binding.__napiBindingTarget
  return target === undefined || target === 'native' ? core : new RecoverableCore(binding, options, core)
}

/** Called by DevSession.guard after a failed call: replaces the core if it stopped answering. */
export function recoverIfUnusable(session, core) {
  return core instanceof RecoverableCore ? core.recoverIfUnusable(session) : false
}

export class RecoverableCore {
  #binding
  #options
  #core
  /** @type {Map<string, 'client' | 'server'>} */
  #environments = new Map()
  /** Server environments running outside Vite's process. */
  #outOfProcess = new Set()
  /**
   * Per environment, the key of every module given to the mirror, in the order it was first
   * given, with the ids of its dynamic imports (null when it has none).
   * @type {Map<string, Map<string, string[] | null>>}
   */
  #mirrored = new Map()
  /** Files deleted since their modules were mirrored: Vite keeps their nodes, the core did not. */
  #deletedFiles = new Set()
  /** How many times a fresh core replaced an unusable one (for tests and logs). */
  recoveries = 0

  constructor(binding, options, core) {
    this.#binding = binding
    this.#options = options
    this.#core = core
    // Every other method of the binding's class is forwarded as is.
    for (const name of Object.getOwnPropertyNames(binding.SsrHmrCore.prototype)) {
      if (name === 'constructor' || name in this) continue
      Object.defineProperty(this, name, { value: (...args) => this.#core[name](...args) })
    }
  }

  setEnvironment(name, consumer) {
    this.#environments.set(name, consumer)
    return this.#core.setEnvironment(name, consumer)
  }

  setOutOfProcess(name) {
    this.#outOfProcess.add(name)
    return this.#core.setOutOfProcess(name)
  }

  updateModule(environment, module) {
    // Noted before the call: a module whose update fails is still refilled from Vite's graph.
    let journal = this.#mirrored.get(environment)
    if (!journal) this.#mirrored.set(environment, (journal = new Map()))
    const dynamic = module.imports.filter((imported) => imported.dynamic).map((imported) => imported.id)
    journal.set(module.id, dynamic.length ? dynamic : null)
    if (module.file) this.#deletedFiles.delete(module.file)
    return this.#core.updateModule(environment, module)
  }

  deleteFile(file) {
    this.#deletedFiles.add(file)
    return this.#core.deleteFile(file)
  }

  dropEnvironment(name) {
    this.#environments.delete(name)
    this.#mirrored.delete(name)
    return this.#core.dropEnvironment(name)
  }

  reset() {
    this.#environments.clear()
    this.#mirrored.clear()
    this.#deletedFiles.clear()
    return this.#core.reset()
  }

  /** @param {import('./dev-session.js').DevSession} session */
  recoverIfUnusable(session) {
    if (this.#answers()) return false
    const started = performance.now()
    this.#core = new this.#binding.SsrHmrCore(this.#options)
    this.recoveries++
    // The old core's tab ids, module indexes, held payload and socket ids mean nothing to the
    // new one (every tab reloads after the failure anyway).
    session.tabs.clear()
    session.modules.clear()
    session.payloads.clear()
    session.waitingSockets.clear()
    let modules = 0
    try {
      for (const [name, consumer] of this.#environments) this.#core.setEnvironment(name, consumer)
      for (const name of this.#outOfProcess) this.#core.setOutOfProcess(name)
      for (const [name, journal] of this.#mirrored) {
        const graph = session.environments[name]?.moduleGraph
        if (!graph) continue
        const idless = idlessModules(graph)
        for (const [key, dynamic] of journal) {
          const mod = graph.getModuleById(key) ?? idless.get(key)
          if (!mod || (mod.file && this.#deletedFiles.has(mod.file))) continue
          const ix = this.#core.updateModule(
            name,
            toAnalyzedModule(mod, (imported) => !!dynamic?.includes(keyOf(imported))),
          )
          session.modules.register(name, ix, mod)
          modules++
        }
      }
    } catch (error) {
      // The next failure brings the next attempt; meanwhile every tab reloads.
      debug(`refilling the new core failed after ${modules} modules: ${error?.message ?? error}`)
      return true
    }
    session.logger.info(
      `${colors.green('ssr-hmr')} the WebAssembly core stopped on a Rust panic (its message is printed above): a fresh core took its place, ${modules} modules mirrored again in ${(performance.now() - started).toFixed(1)} ms`,
      { timestamp: true },
    )
    return true
  }

  #answers() {
    try {
      this.#core.stats()
      return true
    } catch {
      return false
    }
  }
}

/** Vite's file-only entries (`addWatchFile`) have no id; the mirror keys them by url. */
function idlessModules(graph) {
  const byUrl = new Map()
  for (const mods of graph.fileToModulesMap.values())
    for (const mod of mods) if (mod.id == null) byUrl.set(mod.url, mod)
  return byUrl
}
