// Serves the browser runtime and loads it in every page that loads Vite's client, including
// plain server-rendered pages that never go through `transformIndexHtml`. It is appended to
// Vite's own client module as a dynamic import, so it runs after the client has initialised
// (a static import would be evaluated first, inside an import cycle). Dev only: `apply:
// 'serve'` keeps it out of every build.
//
// The runtime is several files under client/, each served as a virtual module of its own:
// `virtual:ssr-hmr/runtime` is client/runtime.js, and a relative import between them
// (`./state.js`, `./frameworks/vike.js`, `../state.js`) resolves to `virtual:ssr-hmr/state.js`
// and so on, so they are served under Vite's `/@id/` like the entry, from this package
// wherever it is installed (no `server.fs.allow`).
//
// A framework's part for the 'auto' strategy (client/frameworks/) that imports the framework's
// client names it on a line `// @ssr-hmr-needs <specifier>`: it is served only where the app
// resolves that import (with the app's own resolution, so the page and the part share one
// instance of the framework's module), and as an empty module elsewhere.
//
// idiomorph (for the 'morph' strategy) is served the same way, as a virtual module read from
// this package's own dependency: the app needs no dependency on it, and Vite's dependency
// optimizer never discovers it late (which would reload the page).

import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { CONTRACT, settleMsOf } from './contract.js'

export const RUNTIME_ID = 'virtual:ssr-hmr/runtime'
export const IDIOMORPH_ID = 'virtual:ssr-hmr/idiomorph'
const CLIENT_DIR = new URL('../client/', import.meta.url)
const CLIENT_PREFIX = 'virtual:ssr-hmr/'
const RELATIVE_RE = /^\.\.?\/[\w/-]+\.js$/
const NEEDS_RE = /^\/\/ @ssr-hmr-needs (\S+)$/gm
const FRAMEWORKS_DIR = 'frameworks/'
const IDIOMORPH_FILE = fileURLToPath(import.meta.resolve('idiomorph'))
/** A constant of the runtime filled in when it is served, as Vite fills in its client's. */
const DEFINE_RE = /__SSR_HMR_[A-Z_]+__/g
// `vite6`/`vite7`: the npm aliases the integration suite installs to test older majors.
const VITE_CLIENT_RE = /\/vite\d*\/dist\/client\/client\.mjs(?:\?.*)?$/

/** @param {import('./plugin-state.js').PluginState} state */
export function clientRuntimePlugin(state) {
  const { refresh, batch } = state.options
  // The core's contract, then the app's options: nothing the runtime shares with the server is
  // written in client/. The event names are constants of their own (`__SSR_HMR_PAGE_EVENT__`),
  // the rest is client/config.js's `CONFIG` (`__SSR_HMR_CONFIG__`).
  const { events, ...browser } = CONTRACT.browser
  const runtimeConfig = { ...browser, refresh, settleMs: settleMsOf(batch), overlay: true }
  const defines = { __SSR_HMR_CONFIG__: runtimeConfig }
  for (const [name, event] of Object.entries(events)) defines[`__SSR_HMR_${name.toUpperCase()}_EVENT__`] = event
  const clientFile = (name) => () =>
    readFileSync(fileURLToPath(new URL(name, CLIENT_DIR)), 'utf8').replace(DEFINE_RE, (constant) =>
      Object.hasOwn(defines, constant) ? JSON.stringify(defines[constant]) : constant,
    )
  const sources = {
    [RUNTIME_ID]: clientFile('runtime.js'),
    [IDIOMORPH_ID]: () => readFileSync(IDIOMORPH_FILE, 'utf8'),
  }
  const files = readdirSync(CLIENT_DIR, { recursive: true }).map((file) => file.split(path.sep).join('/'))
  for (const name of files.filter((file) => file.endsWith('.js') && file !== 'runtime.js'))
    sources[CLIENT_PREFIX + name] = clientFile(name)
  const isBrowser = (environment) => environment?.config.consumer === 'client' && !!state.sessionOf(environment)
  return {
    name: 'vite-plugin-ssr-hmr:client-runtime',
    apply: 'serve',
    configResolved(config) {
      // Errors are shown in Vite's overlay unless the app turned it off (`server.hmr.overlay`).
      runtimeConfig.overlay = config.server.hmr === false || config.server.hmr?.overlay !== false
    },
    resolveId(id, importer) {
      // One runtime file importing another (`./state.js`, `./frameworks/vike.js`, `../state.js`).
      if (importer?.startsWith('\0' + CLIENT_PREFIX) && RELATIVE_RE.test(id)) {
        const from = path.posix.dirname(importer.slice(1 + CLIENT_PREFIX.length))
        id = CLIENT_PREFIX + path.posix.join(from, id)
      }
      if (Object.hasOwn(sources, id) && isBrowser(this.environment)) return '\0' + id
    },
    async load(id) {
      if (id[0] !== '\0' || !Object.hasOwn(sources, id.slice(1)) || !isBrowser(this.environment)) return
      const source = sources[id.slice(1)]()
      if (!id.startsWith('\0' + CLIENT_PREFIX + FRAMEWORKS_DIR)) return source
      for (const [, specifier] of source.matchAll(NEEDS_RE)) {
        if (!(await this.resolve(specifier, undefined, { skipSelf: true }))) return 'export default undefined\n'
      }
      return source
    },
    transform(code, id) {
      if (!VITE_CLIENT_RE.test(id) || !isBrowser(this.environment)) return
      // Import analysis (after this hook) resolves the id through `resolveId` above and
      // rewrites it to the URL the browser fetches, with the configured `base`.
      return { code: `${code}\nimport(${JSON.stringify(RUNTIME_ID)});\n`, map: null }
    },
  }
}
