// The plugin Vite's migration guide gives for "updates to an SSR-only module no longer trigger
// a full page reload" (`hmrReload`, docs PR #18755), as Vike and domco ship it: in the ssr
// environment, a changed module the client graph does not have is invalidated and every tab
// gets a bare `full-reload`.

export function docsRecipeHmrReload() {
  return {
    name: 'hmr-reload',
    enforce: 'post',
    hotUpdate: {
      order: 'post',
      handler({ modules, server, timestamp }) {
        if (this.environment.name !== 'ssr') return
        let hasSsrOnlyModules = false
        const invalidatedModules = new Set()
        for (const mod of modules) {
          if (mod.id == null) continue
          const clientModule = server.environments.client.moduleGraph.getModuleById(mod.id)
          if (clientModule != null) continue
          this.environment.moduleGraph.invalidateModule(mod, invalidatedModules, timestamp, true)
          hasSsrOnlyModules = true
        }
        if (hasSsrOnlyModules) {
          server.ws.send({ type: 'full-reload' })
          return []
        }
      },
    },
  }
}
