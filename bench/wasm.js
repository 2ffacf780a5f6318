// Section 5: the WebAssembly build (wasm32-wasip1, the fallback where no native binary fits)
// beside the native one: the same synthetic 10k-module graph fed to both cores, the same
// decisions asked of both (one server-only edit; a 50-file burst), timed alternately in this
// process; both must agree on every decision. Also the time to feed the whole graph (what a
// fresh core costs after a panic on wasm, lib/core-recovery.js) and both binaries' sizes.

import { existsSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { generateGraph } from './graph-gen.js'
import {
  BURST_FILES,
  SEED,
  buildNativeCore,
  loadBinding,
  makeClock,
  nativeDecision,
  sameDecision,
  trackPages,
} from './core.js'
import { sample, seededRandom, summarize, timeMs } from './stats.js'

const require = createRequire(import.meta.url)
const WASM_LOADER = fileURLToPath(new URL('../ssr-hmr.wasip1.cjs', import.meta.url))
const WASM_FILE = fileURLToPath(new URL('../ssr-hmr.wasm32-wasip1.wasm', import.meta.url))

function loadWasmBinding() {
  if (!existsSync(WASM_LOADER) || !existsSync(WASM_FILE))
    throw new Error('the WebAssembly build is missing: run `npm run build:wasm` first')
  return require(WASM_LOADER)
}

/** The native binary the repository's loader picks on this host (`npm run build`). */
function nativeBinaryFile() {
  const file = Object.keys(require.cache).find((path) => path.endsWith('.node') && path.includes('/ssr-hmr.'))
  if (!file) throw new Error('the native binary was not loaded: run `npm run build` first')
  return file
}

function sizeOf(file) {
  const bytes = readFileSync(file)
  return { file: file.split('/').pop(), bytes: statSync(file).size, gzipBytes: gzipSync(bytes, { level: 9 }).length }
}

export async function runWasmSection({ quick, log }) {
  const size = 10_000
  const bindings = { native: loadBinding(), wasm: loadWasmBinding() }
  if (bindings.wasm.__napiBindingTarget !== 'wasm32-wasip1')
    throw new Error(`the wasm loader reports ${bindings.wasm.__napiBindingTarget}`)
  log(`wasm: ${size} modules, native and wasm cores`)
  const graph = generateGraph(size, SEED)
  const cores = {}
  const feedMs = {}
  for (const which of ['native', 'wasm'])
    feedMs[which] = timeMs(() => (cores[which] = buildNativeCore(bindings[which], graph)))
  trackPages([cores.native, cores.wasm], graph)

  const random = seededRandom(SEED + size)
  const editSets = {
    single: Array.from({ length: quick ? 20 : 300 }, () => sample(graph.serverOnlyFiles, 1, random)),
    burst: Array.from({ length: quick ? 3 : 40 }, () => sample(graph.serverOnlyFiles, BURST_FILES, random)),
  }
  const results = { size, modules: graph.modules.length, feedMs, mismatches: 0 }
  for (const [kind, sets] of Object.entries(editSets)) {
    const clocks = { native: makeClock(), wasm: makeClock() }
    for (const files of sets.slice(0, quick ? 2 : 10))
      for (const which of ['native', 'wasm']) nativeDecision(cores[which], files, clocks[which])
    const samples = { native: [], wasm: [] }
    sets.forEach((files, i) => {
      const order = i % 2 ? ['wasm', 'native'] : ['native', 'wasm']
      const decisions = {}
      for (const which of order)
        samples[which].push(timeMs(() => (decisions[which] = nativeDecision(cores[which], files, clocks[which]))))
      if (!sameDecision(decisions.native, decisions.wasm)) results.mismatches++
    })
    results[kind] = { native: summarize(samples.native), wasm: summarize(samples.wasm) }
  }
  results.sizes = { native: sizeOf(nativeBinaryFile()), wasm: sizeOf(WASM_FILE) }
  return results
}
