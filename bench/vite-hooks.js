// Section 2: inside real Vite. Time spent in the `hotUpdate` handlers per server-only edit,
// ours (`ssrHmr()`) against the docs recipe, on a generated app of ~2,000 modules. Each
// plugin's handler is wrapped with a timer; a handler's time excludes the time it spends
// awaiting Vite's `read()` (file I/O), which is reported apart (ours awaits it only before
// telling a runtime outside Vite's process to re-import, none here).

import { performance } from 'node:perf_hooks'
import { ssrHmr } from '../index.js'
import { generateApp } from './app-gen.js'
import { docsRecipeHmrReload } from './docs-recipe.js'
import { editSource, removeApp, serveApp, until } from './dev-app.js'
import { connectHmrClient } from '../__test__/helpers/hmr-client.js'
import { sleep } from '../__test__/helpers/wait.js'
import { sample, seededRandom, summarize } from './stats.js'

/** Wraps every `hotUpdate` handler of `plugins`; calls land in `sink`. */
export function timeHotUpdateHandlers(plugins, sink) {
  for (const plugin of plugins.flat()) {
    const hook = plugin.hotUpdate
    if (!hook) continue
    const handler = typeof hook === 'function' ? hook : hook.handler
    const timed = async function (options) {
      let readMs = 0
      const read = async () => {
        const started = performance.now()
        try {
          return await options.read()
        } finally {
          readMs += performance.now() - started
        }
      }
      const started = performance.now()
      try {
        return await handler.call(this, { ...options, read })
      } finally {
        const totalMs = performance.now() - started
        sink.push({
          plugin: plugin.name,
          env: this.environment?.name,
          file: options.file,
          startedAt: started,
          ms: totalMs - readMs,
          readMs,
        })
      }
    }
    plugin.hotUpdate = typeof hook === 'function' ? timed : { ...hook, handler: timed }
  }
  return plugins
}

const LONE_EDIT_GAP_MS = 400

const VARIANTS = {
  recipe: () => [docsRecipeHmrReload()],
  ours: () => ssrHmr(),
}

/** The files edited, the same for every variant: each route's data file, then server utils. */
function editPlan(app, count) {
  const random = seededRandom(11)
  const utils = app.serverOnlyFiles.filter((f) => f.startsWith('src/server/') && !f.includes('/core/'))
  const dataFiles = app.routes.map((_, r) => app.dataFile(r))
  return Array.from({ length: count }, (_, i) =>
    i % 2 === 0 ? dataFiles[(i / 2) % dataFiles.length] : sample(utils, 1, random)[0],
  )
}

async function measureVariant(app, name, edits) {
  const calls = []
  const plugins = timeHotUpdateHandlers(VARIANTS[name](), calls)
  const dev = await serveApp(app, plugins)
  const tab = await connectHmrClient(dev)
  const perEdit = []
  const readMs = []
  const toTab = []
  try {
    for (const [i, relative] of edits.entries()) {
      const since = calls.length
      const file = dev.file(relative)
      // The tab shows the page whose data is edited: the edit concerns it.
      const route = /^src\/data\/r(\d+)\.js$/.exec(relative)?.[1]
      if (route !== undefined) await tab.showPage(`/r${route}`)
      const received = tab.mark()
      dev.write(relative, editSource(dev, relative, i + 2, app))
      // The first message the edit sends the tab: the recipe's reload, our check or update.
      const told = tab
        .waitFor(() => true, { since: received })
        .then(
          () => performance.now(),
          () => NaN,
        )
      await until(() => calls.slice(since).some((c) => c.env === 'ssr' && c.file === file), {
        what: `hotUpdate of ${relative}`,
      })
      const firstHook = calls.slice(since).find((c) => c.file === file)
      // A server util need not be on the tab's page: only data edits are timed to the tab.
      if (route !== undefined) toTab.push((await told) - firstHook.startedAt)
      // Lone saves, past the batcher's stream gap: one decision per edit, made at once.
      await sleep(LONE_EDIT_GAP_MS)
      const own = calls.slice(since).filter((c) => c.file === file)
      perEdit.push(own.reduce((sum, c) => sum + c.ms, 0))
      readMs.push(own.reduce((sum, c) => sum + c.readMs, 0))
    }
  } finally {
    tab.close()
  }
  // The first decision also carries the warm-up's mirroring work: skip it.
  const batchWork = dev.logs
    .map((l) => / ([\d.]+) ms$/.exec(l.message)?.[1])
    .filter(Boolean)
    .map(Number)
    .slice(1)
  await dev.close()
  return {
    handler: summarize(perEdit),
    read: summarize(readMs),
    toTab: summarize(toTab),
    batchWork: batchWork.length ? summarize(batchWork) : null,
  }
}

export async function runViteHooksSection({ quick, log }) {
  const app = generateApp(quick ? 300 : 2000)
  const edits = editPlan(app, quick ? 6 : 50)
  try {
    const results = {}
    for (const name of ['recipe', 'ours']) {
      log(`vite hooks: ${name}`)
      results[name] = await measureVariant(app, name, edits)
    }
    return { modules: app.modules, clientModules: app.clientModules, edits: edits.length, ...results }
  } finally {
    removeApp(app)
  }
}
