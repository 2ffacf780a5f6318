// Writes a runnable SSR app (for the dev-server helper's contract: `src/entry-server.js`
// exports `render(url) → { status, html }`) from a generated module graph
// (bench/graph-gen.js): every node becomes a small ES module with the node's imports.
//
// - `src/entry-server.js` maps `/rN` to `import('./routes/rN.js')`;
// - a route renders `<p id="data">` from its loader, which reads `src/data/rN.js` (the
//   server-only file the benches edit: `export const value = 'rN v1'`);
// - `src/entry-client.js` statically imports the client graph's tops (components and
//   client-only modules, each client-only module with its own small CSS file, injected by
//   JS in dev as in every Vite app), then sets `window.__booted`.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ROOT, generateGraph } from './graph-gen.js'

/**
 * @param {number} size modules in the generated graph (the app adds one data file per route)
 * @returns {{ dir: string, routes: string[], serverOnlyFiles: string[], sharedFiles: string[], clientModules: number, modules: number }}
 */
export function generateApp(size, { seed = 7 } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssr-hmr-bench-app-'))
  const graph = generateGraph(size, seed)
  let clientModules = 0
  for (const m of graph.modules) {
    const relative = m.file.slice(ROOT.length + 1)
    const isClientOnly = m.envs.length === 1 && m.envs[0] === 'client'
    if (m.envs.includes('client')) clientModules += isClientOnly ? 2 : 1
    write(dir, relative, moduleSource(m, relative, isClientOnly))
    if (isClientOnly) write(dir, cssFileOf(relative), cssSource(relative))
  }
  graph.routes.forEach((_, r) => write(dir, `src/data/r${r}.js`, dataSource(r, 1)))
  const entryClient = graph.modules.find((m) => m.file.endsWith('/src/entry-client.js'))
  return {
    dir,
    routes: graph.routes.map((_, r) => `/r${r}`),
    dataFile: (r) => `src/data/r${r}.js`,
    dataSource,
    serverOnlyFiles: graph.serverOnlyFiles.map((file) => file.slice(ROOT.length + 1)),
    sharedFiles: entryClient.imports.map((i) => i.id.slice(ROOT.length + 1)).filter((f) => f.startsWith('src/components/')),
    clientModules,
    modules: graph.modules.length + graph.routes.length,
  }
}

export function dataSource(route, version) {
  return `export const value = 'r${route} v${version}'\n`
}

function write(dir, relative, source) {
  const file = path.join(dir, relative)
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, source)
}

function specifier(fromRelative, toId) {
  const to = toId.slice(ROOT.length + 1)
  const spec = path.posix.relative(path.posix.dirname(fromRelative), to)
  return spec.startsWith('.') ? spec : `./${spec}`
}

function moduleSource(m, relative, isClientOnly) {
  if (relative === 'src/entry-server.js') return entryServerSource(m, relative)
  if (relative === 'src/entry-client.js') return entryClientSource(m, relative)
  const lines = []
  const refs = []
  m.imports.forEach((imported, k) => {
    const spec = JSON.stringify(specifier(relative, imported.id))
    if (imported.dynamic) refs.push(`() => import(${spec})`)
    else {
      lines.push(`import { x as i${k} } from ${spec}`)
      refs.push(`i${k}`)
    }
  })
  const name = JSON.stringify(relative)
  if (isClientOnly) lines.push(`import './${path.posix.basename(cssFileOf(relative))}'`)
  const route = /^src\/routes\/r(\d+)\.js$/.exec(relative)
  const loader = /^src\/features\/f(\d+)\/loader\.js$/.exec(relative)
  if (loader) lines.push(`import { value } from '../../data/r${loader[1]}.js'`)
  lines.push(`const refs = [${refs.join(', ')}]`)
  lines.push(`export function x() { return ${name} + refs.length }`)
  if (loader) lines.push('export function load() { return { value, refs: refs.length } }')
  if (route) lines.push(`import { load } from ${JSON.stringify(specifier(relative, m.imports[0].id))}`, routeBody(route[1]))
  return lines.join('\n') + '\n'
}

/** Client-only modules each import a small stylesheet, as components usually do. */
const cssFileOf = (relative) => relative.replace(/\.js$/, '.css')
const cssSource = (relative) => `.${path.posix.basename(relative, '.js')} { color: #333; margin: 0 }\n`

function routeBody(r) {
  return [
    'export async function body() {',
    '  const data = load()',
    `  return \`<h1>route r${r}</h1><p id="data">\${data.value}</p><input id="field"><p>\${refs.length} imports</p>\``,
    '}',
  ].join('\n')
}

function entryServerSource(m, relative) {
  const routes = m.imports.map((imported) => {
    const r = /\/r(\d+)\.js$/.exec(imported.id)[1]
    return `  '/r${r}': () => import(${JSON.stringify(specifier(relative, imported.id))}),`
  })
  return `const routes = {
${routes.join('\n')}
}

export async function render(url) {
  const pathname = new URL(url, 'http://localhost').pathname
  const load = routes[pathname]
  if (!load) return { status: 404, html: '<!doctype html><h1>Not found</h1>' }
  const route = await load()
  return {
    status: 200,
    html: \`<!doctype html><html><head><meta charset="utf-8"><title>\${pathname}</title></head><body>\${await route.body()}<script type="module" src="/src/entry-client.js"></script></body></html>\`,
  }
}
`
}

function entryClientSource(m, relative) {
  const imports = m.imports.map((imported, k) => `import { x as c${k} } from ${JSON.stringify(specifier(relative, imported.id))}`)
  return `${imports.join('\n')}
const mounted = [${m.imports.map((_, k) => `c${k}`).join(', ')}].map((x) => x())
window.__booted = mounted.length
window.__benchBooted?.()
`
}
