// The core's mirror of every environment's module graph stays exactly equal to Vite's, on
// real Vite 8, 7 and 6 dev servers, through a sequence of edits, created and deleted files.
//
// How the two graphs are compared (per environment; `snapshot(env)` is the core's view):
// - Analyzed modules are compared field by field: every module Vite holds a transform result
//   for is in the mirror as analyzed, and every module the mirror has analyzed is in Vite's
//   graph (by id, or by url for Vite's id-less file-only entries), both with the same url,
//   file, imported module ids (Vite keys an id-less import by its url) and self-acceptance.
//   A module Vite transformed and then invalidated has no result but keeps its edges, so the
//   second direction still checks it.
// - An edge counts in Vite's graph when both ends agree: Vite's `onFileDelete` removes a
//   deleted module from its imports' `importers` (what Vite's propagation walks) but leaves
//   the deleted module's own `importedModules` as they were; the mirror drops those edges.
// - Unanalyzed mirror modules are import targets the mirror created from an importer's edges:
//   each must exist in Vite's graph and import nothing. The file is not compared for them
//   (the mirror derives it from the id, Vite from the resolved id the same way except for
//   virtual ids with queries, and nothing is decided from an unanalyzed module's file).
// - Vite may hold nodes the mirror never heard of: entries created for a request or a page
//   root that were never transformed nor imported. They have no edges, so they cannot change
//   a decision, and they are not compared.
// Whether an import is dynamic is not compared: Vite's graph does not record it.

import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startAppWithPlugin, warmUp } from '../helpers/app-with-plugin.js'
import { VITE_VERSIONS } from '../helpers/vite-versions.js'
import { sleep } from '../helpers/wait.js'

const ALL_PAGES = ['/', '/about', '/lazy', '/styles', '/accepting', '/content', '/notes', '/edge', '/worker']

/** Differences between Vite's graph of one environment and the core's mirror of it. */
function graphDifferences(app, environmentName) {
  const graph = app.server.environments[environmentName].moduleGraph
  const mirror = new Map(app.snapshot(environmentName).modules.map((mod) => [mod.id, mod]))
  const viteModules = new Map()
  for (const [id, mod] of graph.idToModuleMap) viteModules.set(id, mod)
  for (const mods of graph.fileToModulesMap.values())
    for (const mod of mods) if (mod.id == null) viteModules.set(mod.url, mod)
  const keyOf = (mod) => mod.id ?? mod.url
  const short = (id) => id.split(app.root).join('')
  const differences = []
  const compare = (key, viteMod, mirrored) => {
    const viteImports = [...viteMod.importedModules]
      .filter((imported) => imported.importers.has(viteMod))
      .map(keyOf)
      .sort()
    const mirrorImports = mirrored.imports.map((imported) => imported.id).sort()
    const checks = {
      url: [viteMod.url, mirrored.url],
      file: [viteMod.file, mirrored.file],
      imports: [viteImports.map(short).join(','), mirrorImports.map(short).join(',')],
      selfAccepting: [viteMod.isSelfAccepting === true, mirrored.selfAccepting],
    }
    for (const [field, [vite, core]] of Object.entries(checks)) {
      if (vite !== core)
        differences.push(
          `${short(key)}: ${field} is ${JSON.stringify(vite)} in Vite, ${JSON.stringify(core)} in the mirror`,
        )
    }
  }
  for (const [key, viteMod] of viteModules) {
    if (viteMod.transformResult == null) continue
    const mirrored = mirror.get(key)
    if (!mirrored?.analyzed)
      differences.push(`${short(key)}: transformed by Vite, ${mirrored ? 'unanalyzed' : 'missing'} in the mirror`)
    else compare(key, viteMod, mirrored)
  }
  for (const [key, mirrored] of mirror) {
    const viteMod = viteModules.get(key)
    if (!viteMod) differences.push(`${short(key)}: in the mirror, not in Vite's graph`)
    else if (mirrored.analyzed) {
      if (viteMod.transformResult == null) compare(key, viteMod, mirrored)
    } else if (mirrored.imports.length > 0)
      differences.push(`${short(key)}: unanalyzed in the mirror but imports ${mirrored.imports.length}`)
  }
  return differences
}

describe.each(VITE_VERSIONS)("the mirror equals Vite's graphs on $name", ({ load }) => {
  let app
  beforeAll(async () => {
    app = await startAppWithPlugin(await load())
    await warmUp(app, ALL_PAGES)
  })
  afterAll(() => app?.close())

  // The watcher reports a file event to Vite and then to the plugin's hooks; give a late
  // event (chokidar holds deletions up to 100 ms) the time to reach both before comparing.
  const expectEqualGraphs = async () => {
    const environments = ['client', 'ssr', 'edge', 'worker']
    for (let i = 0; i < 100 && environments.some((name) => graphDifferences(app, name).length > 0); i++) await sleep(20)
    for (const environmentName of environments) {
      expect({ environment: environmentName, differences: graphDifferences(app, environmentName) }).toEqual({
        environment: environmentName,
        differences: [],
      })
    }
  }
  const renderEverything = async () => {
    await app.loadClient('/src/entry-client.js')
    for (const page of ALL_PAGES) await app.fetchPage(page)
  }

  test('after every page was rendered once', async () => {
    expect(app.snapshot('ssr').modules.filter((mod) => mod.analyzed).length).toBeGreaterThan(15)
    await expectEqualGraphs()
  })

  test('after edits, created and deleted files (before and after the pages render again)', async () => {
    // A new module, imported by an edited one.
    app.write('src/data/extra.js', "export const extra = 'extra'")
    app.edit(
      'src/routes/about.js',
      (code) => `import { extra } from '../data/extra.js'\n${code.replace('${team}', '${team} ${extra}')}`,
    )
    // A barrel stops re-exporting a module, which is deleted.
    app.edit('src/data/index.js', (code) =>
      code.replace("export { count } from './count.js'", 'export const count = 0'),
    )
    app.remove('src/data/count.js')
    // An import() chain is shortened; a route stops importing some CSS.
    app.edit('src/routes/lazy.js', (code) =>
      code.replace('../lazy/step-a.js', '../lazy/step-b.js').replace('await chain()', "'direct'"),
    )
    app.edit('src/routes/styles.js', (code) =>
      code.replace("import inlineCss from '../styles/inline.css?inline'", "const inlineCss = ''"),
    )
    // A shared module and a client-only one.
    app.edit('src/components/label.js', (code) => code.replace('label:', 'mirror:'))
    app.edit('src/widget.js', (code) => code.replace('widget v1', 'widget mirror'))
    await app.settle()
    await app.settle()
    await expectEqualGraphs()

    await renderEverything()
    await app.settle()
    await expectEqualGraphs()
    const about = app.snapshot('ssr').modules.find((mod) => mod.id === app.file('src/routes/about.js'))
    expect(about.imports.map((imported) => imported.id)).toContain(app.file('src/data/extra.js'))
    const barrel = app.snapshot('ssr').modules.find((mod) => mod.id === app.file('src/data/index.js'))
    expect(barrel.imports.map((imported) => imported.id)).not.toContain(app.file('src/data/count.js'))
  })

  test('after a deleted module comes back', async () => {
    app.remove('src/lazy/step-a.js')
    await app.settle()
    await app.settle()
    await expectEqualGraphs()
    app.write('src/lazy/step-a.js', "export async function chain() { return 'back' }")
    app.edit('src/routes/lazy.js', (code) =>
      code.replace('../lazy/step-b.js', '../lazy/step-a.js').replace("'direct'", 'await chain()'),
    )
    await app.settle()
    await renderEverything()
    await app.settle()
    await expectEqualGraphs()
  })
})
