// Synthetic module graphs with the shape of a real SSR app, deterministic for a seed.
//
// One feature folder per route. A feature holds server utils (server-only) and components
// (run by both the server and the browser); a route imports its loader (server-only) and a
// few components; the server entry imports every route with `import()`. Imports mostly stay
// inside a feature and point "down" (to lower-numbered modules), plus one import of a small
// shared core (db, log, Button…), a few cross-feature imports (some dynamic) and about 1% of
// back edges, which make cycles. About 4 imports per module.

import { seededRandom } from './stats.js'

export const ROOT = '/app'
export const SERVER_ENTRY = `${ROOT}/src/entry-server.js`
export const CLIENT_ENTRY = `${ROOT}/src/entry-client.js`

const SHARE = { routes: 0.02, loaders: 0.02, serverUtils: 0.46, components: 0.4 } // the rest: client-only

/**
 * @returns {{ modules: Module[], routes: string[], serverOnlyFiles: string[], pages: Page[] }}
 * @typedef {{ id: string, file: string, url: string, envs: ('ssr' | 'client')[], imports: { id: string, dynamic: boolean }[] }} Module
 * @typedef {{ url: string, roots: string[] }} Page
 */
export function generateGraph(size, seed = 1) {
  const random = seededRandom(seed)
  const routeCount = Math.max(4, Math.round(size * SHARE.routes))
  const counts = {
    serverUtils: Math.round(size * SHARE.serverUtils),
    components: Math.round(size * SHARE.components),
  }
  const clientOnlyCount = Math.max(1, size - 2 - 2 * routeCount - counts.serverUtils - counts.components)

  const serverUtils = layeredGroup('server', counts.serverUtils, routeCount, random)
  const components = layeredGroup('components', counts.components, routeCount, random)
  const clientOnly = layeredGroup('client', clientOnlyCount, Math.max(1, Math.round(routeCount / 4)), random)

  const modules = [
    ...serverUtils.modules.map(withEnvs(['ssr'])),
    ...components.modules.map(withEnvs(['ssr', 'client'])),
  ]
  modules.push(...clientOnly.modules.map(withEnvs(['client'])))

  const routes = []
  const pages = []
  for (let r = 0; r < routeCount; r++) {
    const loader = moduleAt(`src/features/f${r}/loader.js`, ['ssr'], pickTop(serverUtils.byFeature[r], 4, random))
    const route = moduleAt(
      `src/routes/r${r}.js`,
      ['ssr'],
      [
        { id: loader.id, dynamic: false },
        ...pickTop(components.byFeature[r], 3, random),
        { id: components.core[r % components.core.length], dynamic: false },
      ],
    )
    modules.push(loader, route)
    routes.push(route.id)
    pages.push({ url: `/r${r}`, roots: [SERVER_ENTRY, route.id] })
  }
  modules.push(
    moduleAt(
      'src/entry-server.js',
      ['ssr'],
      routes.map((id) => ({ id, dynamic: true })),
    ),
  )
  const clientRoots = [
    ...components.byFeature.map((ids) => ids.at(-1)),
    ...clientOnly.byFeature.map((ids) => ids.at(-1)),
  ]
  modules.push(
    moduleAt(
      'src/entry-client.js',
      ['client'],
      clientRoots.filter(Boolean).map((id) => ({ id, dynamic: false })),
    ),
  )

  const serverOnlyFiles = modules
    .filter((m) => m.envs.length === 1 && m.envs[0] === 'ssr' && m.id !== SERVER_ENTRY)
    .map((m) => m.file)
  return { modules, routes, pages, serverOnlyFiles }
}

/**
 * `count` modules split in `features` folders plus a 2% shared core. Module `j` of a feature
 * imports up to 3 lower modules of its feature and one core module; rarely another feature's
 * module (sometimes with `import()`) or a higher module of its feature (a cycle).
 */
function layeredGroup(kind, count, features, random) {
  const coreCount = Math.max(1, Math.round(count * 0.02))
  const core = []
  const modules = []
  for (let i = 0; i < coreCount; i++) {
    const lower = core.slice(Math.max(0, i - 8))
    const m = moduleAt(`src/${kind}/core/c${i}.js`, [], pickSome(lower, 2, random).map(staticImport))
    core.push(m.id)
    modules.push(m)
  }
  const byFeature = Array.from({ length: features }, () => [])
  const perFeature = Math.max(1, Math.floor((count - coreCount) / features))
  let placed = coreCount
  for (let f = 0; f < features && placed < count; f++) {
    const ids = byFeature[f]
    const size = f === features - 1 ? count - placed : Math.min(perFeature, count - placed)
    for (let j = 0; j < size; j++) ids.push(`${ROOT}/src/${kind}/f${f}/m${j}.js`)
    placed += size
  }
  for (let f = 0; f < features; f++) {
    const ids = byFeature[f]
    ids.forEach((id, j) => {
      const imports = pickSome(ids.slice(0, j), 3, random).map(staticImport)
      if (random() < 0.95) imports.push(staticImport(core[Math.floor(random() * core.length)]))
      if (random() < 0.05 && f > 0) {
        const other = byFeature[Math.floor(random() * f)]
        if (other.length) imports.push({ id: other[Math.floor(random() * other.length)], dynamic: random() < 0.5 })
      }
      if (random() < 0.01 && j + 1 < ids.length)
        imports.push(staticImport(ids[j + 1 + Math.floor(random() * (ids.length - j - 1))]))
      modules.push(moduleAt(id.slice(ROOT.length + 1), [], dedupe(imports)))
    })
  }
  return { modules, byFeature, core }
}

function moduleAt(relativeFile, envs, imports) {
  const file = `${ROOT}/${relativeFile}`
  return { id: file, file, url: `/${relativeFile}`, envs, imports }
}

const staticImport = (id) => ({ id, dynamic: false })
const withEnvs = (envs) => (m) => ({ ...m, envs })

function pickSome(ids, max, random) {
  if (ids.length === 0) return []
  const picked = new Set()
  const wanted = Math.min(max, ids.length)
  for (let tries = 0; picked.size < wanted && tries < wanted * 4; tries++) {
    // Biased to nearby modules: real files import their neighbours more than distant ones.
    const back = Math.floor(random() * random() * ids.length)
    picked.add(ids[ids.length - 1 - back])
  }
  return [...picked]
}

/** Imports of a feature's "top" modules (the last ones, which import the rest). */
function pickTop(ids, max, random) {
  const top = ids.slice(Math.floor(ids.length / 2))
  return pickSome(top, max, random).map(staticImport)
}

function dedupe(imports) {
  const byId = new Map()
  for (const i of imports) if (!byId.has(i.id) || !i.dynamic) byId.set(i.id, i)
  return [...byId.values()]
}
