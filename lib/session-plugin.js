// Starts a session per dev server and disposes it when that server's environments close
// (on `server.close()` and on restarts alike: Vite closes every environment's plugins).

export const INTERNAL = Symbol.for('vite-plugin-ssr-hmr:internal')

/** @param {import('./plugin-state.js').PluginState} state */
export function sessionPlugin(state) {
  const plugin = {
    name: 'vite-plugin-ssr-hmr:session',
    apply: 'serve',
    configureServer(server) {
      if (server.config.experimental?.bundledDev) return state.warnBundledDevOnce(server.config.logger)
      state.start(server)
    },
    closeBundle() {
      state.sessionOf(this.environment)?.dispose()
    },
  }
  // Internal, for this package's tests: reaches the sessions (and their native core) to
  // compare the mirror with Vite's graphs. A symbol key stays out of Vite's plugin listings.
  Object.defineProperty(plugin, INTERNAL, { value: state })
  return plugin
}
