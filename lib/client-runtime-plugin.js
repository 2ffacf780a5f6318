// Serves the browser runtime and loads it in every page that loads Vite's client, including
// plain server-rendered pages that never go through `transformIndexHtml`. It is appended to
// Vite's own client module as a dynamic import, so it runs after the client has initialised
// (a static import would be evaluated first, inside an import cycle). Dev only: `apply:
// 'serve'` keeps it out of every build.
//
// idiomorph (for the 'morph' strategy) is served the same way, as a virtual module read from
// this package's own dependency: the app needs no dependency on it, and Vite's dependency
// optimizer never discovers it late (which would reload the page).

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { settleMsOf } from './options.js'

export const RUNTIME_ID = 'virtual:ssr-hmr/runtime'
export const IDIOMORPH_ID = 'virtual:ssr-hmr/idiomorph'
const RUNTIME_FILE = fileURLToPath(new URL('../client/runtime.js', import.meta.url))
const IDIOMORPH_FILE = fileURLToPath(import.meta.resolve('idiomorph'))
const CONFIG_RE = /const CONFIG = \{[^}\n]*\}(?= \/\/ @ssr-hmr-config)/
// `vite6`/`vite7`: the npm aliases the integration suite installs to test older majors.
const VITE_CLIENT_RE = /\/vite\d*\/dist\/client\/client\.mjs(?:\?.*)?$/

/** @param {import('./plugin-state.js').PluginState} state */
export function clientRuntimePlugin(state) {
  const { refresh, batch } = state.options
  const runtimeConfig = { refresh, settleMs: settleMsOf(batch), overlay: true }
  const sources = {
    [RUNTIME_ID]: () =>
      readFileSync(RUNTIME_FILE, 'utf8').replace(CONFIG_RE, `const CONFIG = ${JSON.stringify(runtimeConfig)}`),
    [IDIOMORPH_ID]: () => readFileSync(IDIOMORPH_FILE, 'utf8'),
  }
  const isBrowser = (environment) => environment?.config.consumer === 'client' && !!state.sessionOf(environment)
  return {
    name: 'vite-plugin-ssr-hmr:client-runtime',
    apply: 'serve',
    configResolved(config) {
      // Errors are shown in Vite's overlay unless the app turned it off (`server.hmr.overlay`).
      runtimeConfig.overlay = config.server.hmr === false || config.server.hmr?.overlay !== false
    },
    resolveId(id) {
      if (Object.hasOwn(sources, id) && isBrowser(this.environment)) return '\0' + id
    },
    load(id) {
      if (id[0] === '\0' && Object.hasOwn(sources, id.slice(1)) && isBrowser(this.environment))
        return sources[id.slice(1)]()
    },
    transform(code, id) {
      if (!VITE_CLIENT_RE.test(id) || !isBrowser(this.environment)) return
      // Import analysis (after this hook) resolves the id through `resolveId` above and
      // rewrites it to the URL the browser fetches, with the configured `base`.
      return { code: `${code}\nimport(${JSON.stringify(RUNTIME_ID)});\n`, map: null }
    },
  }
}
