// Starts a session per dev server and disposes it when that server's environments close
// (on `server.close()` and on restarts alike: Vite closes every environment's plugins).

import { debug } from './logger.js'

export const INTERNAL = Symbol.for('vite-plugin-ssr-hmr:internal')

/** @param {import('./plugin-state.js').PluginState} state */
export function sessionPlugin(state) {
  const plugin = {
    name: 'vite-plugin-ssr-hmr:session',
    apply: 'serve',
    configureServer: {
      // Before any other plugin's `configureServer` loads server modules (Cloudflare's
      // imports its worker there): the mirror must see them, whatever the plugin order.
      order: 'pre',
      handler(server) {
        if (server.config.experimental?.bundledDev) return state.warnBundledDevOnce(server.config.logger)
        // With `server.hmr: false` Vite runs no hot update at all (the runner refreshes lazily
        // through its fetches): there is nothing to decide, and no tab may be refreshed.
        if (server.config.server.hmr === false) return debug('server.hmr is false: inactive')
        state.start(server)
      },
    },
    closeBundle() {
      state.sessionOf(this.environment)?.leave(this.environment)
    },
  }
  // Internal, for this package's tests: reaches the sessions (and their native core) to
  // compare the mirror with Vite's graphs. A symbol key stays out of Vite's plugin listings.
  Object.defineProperty(plugin, INTERNAL, { value: state })
  return plugin
}
