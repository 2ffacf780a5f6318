// Starts a session per dev server and disposes it when that server's environments close
// (on `server.close()` and on restarts alike: Vite closes every environment's plugins).

/** @param {import('./plugin-state.js').PluginState} state */
export function sessionPlugin(state) {
  return {
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
}
