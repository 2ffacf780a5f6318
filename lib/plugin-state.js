// What the plugin objects of one `ssrHmr()` call share: the resolved options, the native
// binding, and the sessions of the dev servers currently using them (none during a build).
// There can be two at once: on a restart Vite creates the new server (running our
// `configureServer`) before it closes the old one, and with inline config both servers use
// these same plugin objects. A session may also serve dev servers of other `ssrHmr()` calls:
// those of one project in one process (`lib/project.js`).

import { colors } from './logger.js'
import { joinProject } from './project.js'

export class PluginState {
  /** @type {Set<DevSession>} */ #sessions = new Set()
  #warnedBundledDev = false

  constructor(binding, options) {
    this.binding = binding
    this.options = options
  }

  start(server) {
    const session = joinProject(this.binding, this.options, server)
    this.#sessions.add(session)
    session.onDispose(() => this.#sessions.delete(session), server)
    return session
  }

  /** The most recently started live session (the one a `configureServer` hook just started). */
  get session() {
    return [...this.#sessions].at(-1)
  }

  /**
   * The live session of this server, if any. Matched by config: hooks get a proxy of the
   * server, and a restart copies the new server's fields onto the object users hold.
   */
  sessionOfServer(server) {
    for (const session of this.#sessions) if (session.serves(server)) return session
    return undefined
  }

  /** The live session that owns this environment, if any. */
  sessionOf(environment) {
    if (!environment) return undefined
    for (const session of this.#sessions) {
      if (session.nameOf(environment) !== undefined) return session
    }
    return undefined
  }

  /** How many sessions are live: lets tests prove restarts leak none. */
  get liveSessions() {
    return this.#sessions.size
  }

  /** Vite's experimental bundled dev mode has no per-module HMR graph to act on. */
  warnBundledDevOnce(logger) {
    if (this.#warnedBundledDev) return
    this.#warnedBundledDev = true
    logger.warn(
      colors.yellow(
        '[ssr-hmr] Vite bundled dev mode (experimental.bundledDev) is not supported: the plugin stays inactive.',
      ),
      { timestamp: true },
    )
  }
}
