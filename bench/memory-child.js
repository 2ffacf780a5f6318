// Child process of bench/core.js: memory of the native mirror of one generated graph, and
// of the same graph held as Vite-shaped JS objects, in a process that holds nothing else.
// Run with --expose-gc. Prints one JSON line.

import { buildJsReference, buildNativeCore, loadBinding } from './core.js'
import { generateGraph } from './graph-gen.js'

const size = Number(process.argv[2] ?? 100_000)

function settled() {
  for (let i = 0; i < 4; i++) globalThis.gc()
  return process.memoryUsage()
}

const binding = loadBinding()
const graph = generateGraph(size, 42)
const before = settled()
let core = buildNativeCore(binding, graph)
const afterNative = settled()
const stats = JSON.parse(core.stats())
// Held (not read) until the heap is measured: what the same graph costs in Vite's shapes.
const retained = [buildJsReference(graph)]
const afterJs = settled()
process.stdout.write(
  JSON.stringify({
    size,
    modules: stats.modules,
    edges: stats.edges,
    nativeRssBytes: afterNative.rss - before.rss,
    nativeHeapBytes: afterNative.heapUsed - before.heapUsed,
    viteShapedHeapBytes: afterJs.heapUsed - afterNative.heapUsed,
    viteShapedRssBytes: afterJs.rss - afterNative.rss,
  }) + '\n',
)
core = null
retained.length = 0
