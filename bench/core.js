// Section 1: the decision core without Vite. The Rust core through napi (`SsrHmrCore`)
// against the same algorithm in plain JS walking Vite-shaped graphs (bench/js-reference.js),
// on synthetic graphs of 1k, 10k and 100k modules (bench/graph-gen.js).

import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { CLIENT_ENTRY, ROOT, generateGraph } from './graph-gen.js'
import { JsReferenceCore, ViteLikeGraph } from './js-reference.js'
import { sample, seededRandom, summarize, timeMs } from './stats.js'

const require = createRequire(import.meta.url)
export const SEED = 42
const QUIET_MS = 30
const MAX_WAIT_MS = 300
const TRACKED_PAGES = 200
const OPEN_TABS = 20
export const BURST_FILES = 50

export function loadBinding() {
  return require('../binding.cjs')
}

/** Feeds a generated graph into a native core, as the graph-mirror plugin does per module. */
export function buildNativeCore(binding, graph) {
  const core = new binding.SsrHmrCore({
    root: ROOT,
    quietMs: QUIET_MS,
    maxWaitMs: MAX_WAIT_MS,
    refresh: 'reload',
    maxPages: 4096,
  })
  core.setEnvironment('client', 'client')
  core.setEnvironment('ssr', 'server')
  for (const m of graph.modules) {
    for (const env of m.envs) core.updateModule(env, toAnalyzedModule(m, env))
  }
  return core
}

export function toAnalyzedModule(m, env) {
  const imports = env === 'client' ? m.imports.filter((i) => !i.id.includes('/server/')) : m.imports
  return { id: m.id, url: m.url, file: m.file, type: 'js', selfAccepting: false, acceptedDeps: [], imports }
}

/** The same graph as Vite would hold it: one `ViteLikeGraph` per environment. */
export function buildJsReference(graph) {
  const core = new JsReferenceCore({ root: ROOT, quietMs: QUIET_MS, maxWaitMs: MAX_WAIT_MS, refresh: 'reload' })
  const graphs = { client: new ViteLikeGraph(), ssr: new ViteLikeGraph() }
  for (const m of graph.modules) {
    for (const env of m.envs) graphs[env].updateModuleInfo(toAnalyzedModule(m, env))
  }
  core.setEnvironment('client', 'client', graphs.client)
  core.setEnvironment('ssr', 'server', graphs.ssr)
  return { core, graphs }
}

/** Records the first pages' roots and opens tabs on some of them, in both cores. */
export function trackPages(cores, graph) {
  const pages = graph.pages.slice(0, TRACKED_PAGES)
  for (const core of cores) {
    for (const page of pages)
      core.recordPageRoots(
        page.url,
        'ssr',
        core instanceof JsReferenceCore ? page.roots : page.roots.map((id) => ({ id })),
      )
    for (let t = 0; t < OPEN_TABS; t++) core.openTab(pages[(t * 7) % pages.length].url, null, 0)
  }
}

/** One decision: every file through onServerChange, then the flush once the batch is due. */
export function nativeDecision(core, files, clock) {
  const now = clock.next()
  // As the shim does: the modules to invalidate come as a typed array of indexes per hook,
  // looked up in its node table.
  for (const file of files) lookUp(core.onServerChange('ssr', file, now).invalidate)
  return JSON.parse(core.poll(now + MAX_WAIT_MS, Date.now())).decision
}

/** What the shim does with the indexes: one array read each. */
let looked = 0
function lookUp(indexes) {
  for (const ix of indexes) looked += ix & 1
  return indexes.length
}

function jsDecision(core, files, clock) {
  const now = clock.next()
  for (const file of files) core.onServerChange('ssr', file, now)
  return core.flush(now + MAX_WAIT_MS)
}

export const makeClock = () => ({
  t: 0,
  next() {
    return (this.t += 10_000)
  },
})

/** Pages, tabs and invalidation sets must be equal, or the comparison is meaningless. */
export function sameDecision(a, b) {
  const files = (d) => [d.files.serverOnly, d.files.shared, d.files.clientOnly, d.files.watched]
  const key = (d) => JSON.stringify([d.action, files(d), d.invalidatedCount, d.pages, d.tabs])
  return key(a) === key(b)
}

function measureDecisions({ native, js }, editSets, warmup) {
  const clocks = { native: makeClock(), js: makeClock() }
  let mismatches = 0
  for (const files of editSets.slice(0, warmup)) {
    nativeDecision(native, files, clocks.native)
    jsDecision(js, files, clocks.js)
  }
  const samples = { native: [], js: [] }
  let biggest = null
  editSets.forEach((files, i) => {
    // Alternate which runs first so neither always gets the warmer cache.
    const order = i % 2 ? ['js', 'native'] : ['native', 'js']
    const results = {}
    for (const which of order) {
      const run =
        which === 'native'
          ? () => (results.native = nativeDecision(native, files, clocks.native))
          : () => (results.js = jsDecision(js, files, clocks.js))
      samples[which].push(timeMs(run))
    }
    if (!sameDecision(results.native, results.js)) mismatches++
    const size = results.native.invalidatedCount.ssr ?? 0
    if (!biggest || size > biggest.invalidated)
      biggest = { invalidated: size, pages: results.native.pages.length, tabs: results.native.tabs.length }
  })
  return { native: summarize(samples.native), js: summarize(samples.js), mismatches, biggest }
}

/**
 * Where the native decision's time goes, for the core owner: the onServerChange calls
 * (classification + invalidation set, returned as an array of strings), the flush (page
 * walk + JSON serialization) and JSON.parse in the shim.
 */
function profileNative(core, editSets) {
  const parts = { onServerChange: [], flush: [], parse: [], jsonBytes: [], invalidateStrings: [] }
  const clock = makeClock()
  for (const files of editSets) {
    const now = clock.next()
    let strings = 0
    parts.onServerChange.push(
      timeMs(() => {
        for (const f of files) strings += lookUp(core.onServerChange('ssr', f, now).invalidate)
      }),
    )
    let json
    parts.flush.push(timeMs(() => (json = core.poll(now + MAX_WAIT_MS, Date.now()))))
    parts.parse.push(timeMs(() => JSON.parse(json)))
    parts.jsonBytes.push(json.length)
    parts.invalidateStrings.push(strings)
  }
  return Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, summarize(v)]))
}

/**
 * The worst single edit: the shared server hub every module reaches (`server/core/c0.js`,
 * a `db.js`). Splits the native time into the call returning the invalidation ids, the flush
 * (page walk + JSON) and the shim's JSON.parse.
 */
function profileHubEdit({ native, js }, reps) {
  const file = `${ROOT}/src/server/core/c0.js`
  const clock = makeClock()
  const parts = { onServerChange: [], flush: [], parse: [], total: [], js: [] }
  let shape
  for (let r = 0; r < reps; r++) {
    const now = clock.next()
    let change
    parts.onServerChange.push(
      timeMs(() => {
        change = native.onServerChange('ssr', file, now)
        lookUp(change.invalidate)
      }),
    )
    let json
    parts.flush.push(timeMs(() => (json = native.poll(now + MAX_WAIT_MS, Date.now()))))
    let decision
    parts.parse.push(timeMs(() => (decision = JSON.parse(json).decision)))
    parts.total.push(parts.onServerChange.at(-1) + parts.flush.at(-1) + parts.parse.at(-1))
    parts.js.push(timeMs(() => jsDecision(js, [file], clock)))
    shape = {
      invalidate: change.invalidate.length,
      pages: decision.pages.length,
      tabs: decision.tabs.length,
      jsonBytes: json.length,
    }
  }
  const summary = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, summarize(v)]))
  return { file: file.slice(ROOT.length + 1), ...shape, ...summary }
}

/** Cost of re-feeding one existing module (what every re-transform does). */
function measureUpdateModule(core, graph, count, random) {
  const picks = sample(
    graph.modules.filter((m) => m.envs.includes('ssr')),
    count,
    random,
  )
  const modules = picks.map((m) => toAnalyzedModule(m, 'ssr'))
  for (const m of modules.slice(0, 20)) core.updateModule('ssr', m)
  const samples = []
  for (const m of modules) {
    const started = performance.now()
    for (let r = 0; r < 10; r++) core.updateModule('ssr', m)
    samples.push((performance.now() - started) / 10)
  }
  return summarize(samples)
}

export function benchGraphSize(binding, size, { quick }) {
  const graph = generateGraph(size, SEED)
  let native
  const buildMs = timeMs(() => (native = buildNativeCore(binding, graph)))
  const { core: js } = buildJsReference(graph)
  trackPages([native, js], graph)
  const random = seededRandom(SEED + size)
  const singles = Array.from({ length: quick ? 20 : 300 }, () => sample(graph.serverOnlyFiles, 1, random))
  const bursts = Array.from({ length: quick ? 3 : 40 }, () => sample(graph.serverOnlyFiles, BURST_FILES, random))
  const single = measureDecisions({ native, js }, singles, quick ? 5 : 30)
  const burst = measureDecisions({ native, js }, bursts, quick ? 1 : 5)
  return {
    size,
    modules: graph.modules.length,
    edges: graph.modules.reduce((sum, m) => sum + m.imports.length * m.envs.length, 0),
    trackedPages: Math.min(TRACKED_PAGES, graph.pages.length),
    openTabs: OPEN_TABS,
    buildMs,
    single,
    burst,
    updateModule: measureUpdateModule(native, graph, quick ? 100 : 2000, random),
    profile: {
      single: profileNative(native, singles),
      burst: profileNative(native, bursts),
      hub: profileHubEdit({ native, js }, quick ? 5 : 100),
    },
  }
}

/** Resident memory of a 100k-module mirror, measured in a fresh child process. */
export function measureMirrorMemory(size) {
  const child = fileURLToPath(new URL('./memory-child.js', import.meta.url))
  const out = execFileSync(process.execPath, ['--expose-gc', child, String(size)], { encoding: 'utf8' })
  return JSON.parse(out)
}

export async function runCoreSection({ quick, log }) {
  const binding = loadBinding()
  const sizes = [1_000, 10_000, 100_000]
  const results = []
  for (const size of sizes) {
    log(`core: ${size} modules`)
    results.push(benchGraphSize(binding, size, { quick }))
  }
  log('core: mirror memory (child process)')
  const memory = measureMirrorMemory(100_000)
  return { sizes: results, memory, clientEntry: CLIENT_ENTRY }
}
