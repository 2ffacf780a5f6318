// What the plugin objects of one `ssrHmr()` call share: the resolved options, the native
// binding, and the session of the dev server currently using them (none during a build).

import { DevSession } from './dev-session.js'
import { colors } from './logger.js'

export class PluginState {
  /** @type {DevSession | undefined} */ session
  #warnedBundledDev = false

  constructor(binding, options) {
    this.binding = binding
    this.options = options
  }

  start(server) {
    this.session = new DevSession(this.binding, this.options, server)
    return this.session
  }

  /** The live session that owns this environment, if any. */
  sessionOf(environment) {
    const session = this.session
    if (!session || session.disposed) return undefined
    return session.server.environments[environment?.name] === environment ? session : undefined
  }

  /** Vite's experimental bundled dev mode has no per-module HMR graph to act on. */
  warnBundledDevOnce(logger) {
    if (this.#warnedBundledDev) return
    this.#warnedBundledDev = true
    logger.warn(colors.yellow('[ssr-hmr] Vite bundled dev mode (experimental.bundledDev) is not supported: the plugin stays inactive.'), { timestamp: true })
  }
}
