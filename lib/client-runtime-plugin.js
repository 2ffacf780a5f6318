// Serves the browser runtime and loads it in every page that loads Vite's client, including
// plain server-rendered pages that never go through `transformIndexHtml`. It is appended to
// Vite's own client module as a dynamic import, so it runs after the client has initialised
// (a static import would be evaluated first, inside an import cycle). Dev only: `apply:
// 'serve'` keeps it out of every build.

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const RUNTIME_ID = 'virtual:ssr-hmr/runtime'
const RESOLVED_RUNTIME_ID = '\0' + RUNTIME_ID
const RUNTIME_FILE = fileURLToPath(new URL('../client/runtime.js', import.meta.url))
const VITE_CLIENT_RE = /\/vite\/dist\/client\/client\.mjs(?:\?.*)?$/

/** @param {import('./plugin-state.js').PluginState} state */
export function clientRuntimePlugin(state) {
  let base = '/'
  return {
    name: 'vite-plugin-ssr-hmr:client-runtime',
    apply: 'serve',
    configResolved(config) {
      base = config.base
    },
    resolveId(id) {
      if (id === RUNTIME_ID) return RESOLVED_RUNTIME_ID
    },
    load(id) {
      if (id === RESOLVED_RUNTIME_ID) return readFileSync(RUNTIME_FILE, 'utf8')
    },
    transform(code, id) {
      if (this.environment?.config.consumer !== 'client' || !VITE_CLIENT_RE.test(id)) return
      if (!state.sessionOf(this.environment)) return
      const runtimeUrl = `${base}@id/__x00__${RUNTIME_ID}`
      return { code: `${code}\nimport(${JSON.stringify(runtimeUrl)});\n`, map: null }
    },
  }
}
