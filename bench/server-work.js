// Section 4: server work per edit. Calls to the ssr environment's `fetchModule` (every
// module the server runner asks for, fresh or "still cached") caused by one edit plus the
// next request of the page, with Vite alone (program reload: the runner drops every
// evaluated module), the docs recipe and ours. Also checks the page then shows the edit.

import { ssrHmr } from '../index.js'
import { generateApp } from './app-gen.js'
import { docsRecipeHmrReload } from './docs-recipe.js'
import { editSource, removeApp, serveApp } from './dev-app.js'
import { sleep } from '../__test__/helpers/wait.js'
import { summarize } from './stats.js'

const VARIANTS = {
  viteAlone: () => [],
  recipe: () => [docsRecipeHmrReload()],
  ours: () => ssrHmr(),
}

function countFetches(environment) {
  const counter = { calls: 0 }
  const original = environment.fetchModule
  environment.fetchModule = function (...args) {
    counter.calls++
    return original.apply(this, args)
  }
  return counter
}

/** A component route r0 renders that the browser also loaded: a shared edit. */
function sharedFileOf(dev, app) {
  const route = dev.server.environments.ssr.moduleGraph.getModulesByFile(dev.file('src/routes/r0.js'))
  const client = dev.server.environments.client.moduleGraph
  for (const mod of [...(route ?? [])].flatMap((m) => [...m.importedModules])) {
    if (mod.file?.includes('/src/components/') && client.getModulesByFile(mod.file)?.size)
      return mod.file.slice(dev.root.length + 1)
  }
  return app.sharedFiles[0]
}

async function editThenRequest(dev, app, counter, relative, version) {
  const before = counter.calls
  dev.write(relative, editSource(dev, relative, version, app))
  await sleep(400) // the watcher, the hooks, a program reload if any
  const page = await dev.fetchPage(app.routes[0])
  const fresh = !relative.startsWith('src/data/') || page.text.includes(`r0 v${version}`)
  return { fetches: counter.calls - before, fresh }
}

async function measureVariant(app, name, edits) {
  const dev = await serveApp(app, VARIANTS[name]())
  const counter = countFetches(dev.server.environments.ssr)
  const shared = sharedFileOf(dev, app)
  const serverOnly = ['src/data/r0.js', 'src/features/f0/loader.js']
  const results = { serverOnly: [], shared: [], stale: 0 }
  let version = 100
  try {
    for (let i = 0; i < edits; i++) {
      const a = await editThenRequest(dev, app, counter, serverOnly[i % serverOnly.length], version++)
      results.serverOnly.push(a.fetches)
      if (!a.fresh) results.stale++
      const b = await editThenRequest(dev, app, counter, shared, version++)
      results.shared.push(b.fetches)
    }
  } finally {
    await dev.close()
  }
  return {
    serverOnly: summarize(results.serverOnly),
    shared: summarize(results.shared),
    stale: results.stale,
    sharedFile: shared,
  }
}

export async function runServerWorkSection({ quick, log }) {
  const app = generateApp(quick ? 300 : 2000)
  try {
    const results = { modules: app.modules }
    for (const name of Object.keys(VARIANTS)) {
      log(`server work: ${name}`)
      results[name] = await measureVariant(app, name, quick ? 2 : 6)
    }
    return results
  } finally {
    removeApp(app)
  }
}
