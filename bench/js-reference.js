// The core's algorithm written in plain JavaScript over Vite-shaped module graphs, for the
// benchmark only: what a JS-only plugin would do on every edit, walking `importers` Sets.
//
// - classify a changed file by file across the client and server graphs (a module counts
//   when it was analyzed, `isSelfAccepting !== undefined`; `?raw` is a different variant);
// - invalidation set = the changed modules + every transitive importer, unless every path up
//   stops at an HMR boundary (then Vite's own update is kept);
// - affected pages = reverse walk over static importer edges to the recorded page roots,
//   with up to 64 explanation chains; tabs whose page is affected (or unknown);
// - a burst is batched with a quiet period and a max wait, like the core's batcher.
//
// Vite's nodes do not say which imports are dynamic; like the plugin's mirror (which lexes the
// code), this reference keeps that on the node as `dynamicImportedModules`.

const MAX_EXPLANATIONS = 64

/** A Vite-like `EnvironmentModuleGraph`: only the fields the algorithm reads. */
export class ViteLikeGraph {
  idToModuleMap = new Map()
  fileToModulesMap = new Map()

  ensureNode(id, url = id, file = id) {
    let node = this.idToModuleMap.get(id)
    if (node) return node
    node = {
      id,
      url,
      file,
      type: 'js',
      importers: new Set(),
      importedModules: new Set(),
      dynamicImportedModules: new Set(),
      acceptedHmrDeps: new Set(),
      isSelfAccepting: undefined,
    }
    this.idToModuleMap.set(id, node)
    let byFile = this.fileToModulesMap.get(file)
    if (!byFile) this.fileToModulesMap.set(file, (byFile = new Set()))
    byFile.add(node)
    return node
  }

  /** What Vite's import analysis does (`updateModuleInfo`): replace a node's edges. */
  updateModuleInfo(module) {
    const node = this.ensureNode(module.id, module.url, module.file)
    for (const imported of node.importedModules) imported.importers.delete(node)
    node.importedModules.clear()
    node.dynamicImportedModules.clear()
    for (const { id, dynamic } of module.imports) {
      const imported = this.ensureNode(id)
      node.importedModules.add(imported)
      if (dynamic) node.dynamicImportedModules.add(imported)
      imported.importers.add(node)
    }
    node.isSelfAccepting = false
    return node
  }
}

const variantOf = (id) => (/[?&]raw(?:&|$)/.test(id) ? 'string' : 'code')
const isAnalyzed = (node) => node.isSelfAccepting !== undefined

function analyzedVariants(graph, file) {
  const variants = new Set()
  for (const node of graph?.fileToModulesMap.get(file) ?? []) if (isAnalyzed(node)) variants.add(variantOf(node.id))
  return variants
}

export class JsReferenceCore {
  #root
  #quietMs
  #maxWaitMs
  #refresh
  #graphs = new Map() // env name → { consumer, graph }
  #pages = new Map() // url → Map(env → Set(node))
  #rootIndex = new Map() // env → Map(node → url[])
  #tabs = new Map() // tab → url | null
  #nextTab = 1
  #batch = null

  constructor({ root, quietMs = 30, maxWaitMs = 300, refresh = 'reload' }) {
    this.#root = root
    this.#quietMs = quietMs
    this.#maxWaitMs = maxWaitMs
    this.#refresh = refresh
  }

  setEnvironment(name, consumer, graph) {
    this.#graphs.set(name, { consumer, graph })
  }

  openTab(url) {
    const tab = this.#nextTab++
    this.#tabs.set(tab, url ?? null)
    return tab
  }

  recordPageRoots(url, env, roots) {
    const graph = this.#graphs.get(env)?.graph
    const index = this.#rootIndex.get(env) ?? new Map()
    this.#rootIndex.set(env, index)
    const resolved = new Set()
    for (const root of roots) {
      const node = graph?.idToModuleMap.get(root)
      if (node) resolved.add(node)
    }
    for (const node of resolved) {
      const urls = index.get(node) ?? []
      urls.push(url)
      index.set(node, urls)
    }
    const page = this.#pages.get(url) ?? new Map()
    page.set(env, resolved)
    this.#pages.set(url, page)
  }

  #clientVariants(file) {
    const variants = new Set()
    for (const { consumer, graph } of this.#graphs.values()) {
      if (consumer === 'client') for (const v of analyzedVariants(graph, file)) variants.add(v)
    }
    return variants
  }

  #classify(env, file, clientVariants) {
    const entry = this.#graphs.get(env)
    const server = entry?.consumer === 'server' ? analyzedVariants(entry.graph, file) : new Set()
    if (server.size === 0) return clientVariants.size ? 'client-only' : 'unknown'
    for (const v of server) if (!clientVariants.has(v)) return 'server-only'
    return 'shared'
  }

  onServerChange(env, file, nowMs) {
    const clientVariants = this.#clientVariants(file)
    const changeClass = this.#classify(env, file, clientVariants)
    let invalidate = []
    let keepViteUpdate = true
    const serverOnlyIds = []
    if (changeClass === 'server-only') {
      const changed = [...this.#graphs.get(env).graph.fileToModulesMap.get(file)]
      if (hasDeadEnd(changed)) {
        keepViteUpdate = false
        invalidate = transitiveImporters(changed).map((node) => node.id)
      }
      for (const node of changed) if (!clientVariants.has(variantOf(node.id))) serverOnlyIds.push(node.id)
    }
    const batch = this.#record(nowMs)
    const pending = batch.files.get(file) ?? { class: 'unknown', serverOnly: new Map() }
    batch.files.set(file, pending)
    pending.class = mergeClass(pending.class, changeClass)
    if (serverOnlyIds.length) {
      const ids = pending.serverOnly.get(env) ?? new Set()
      for (const id of serverOnlyIds) ids.add(id)
      pending.serverOnly.set(env, ids)
    }
    if (invalidate.length) {
      const ids = batch.invalidated.get(env) ?? new Set()
      for (const id of invalidate) ids.add(id)
      batch.invalidated.set(env, ids)
    }
    return { class: changeClass, invalidate, keepViteUpdate }
  }

  #record(nowMs) {
    this.#batch ??= { first: nowMs, last: nowMs, files: new Map(), invalidated: new Map() }
    this.#batch.last = nowMs
    return this.#batch
  }

  nextDeadline() {
    if (!this.#batch) return null
    return Math.min(this.#batch.last + this.#quietMs, this.#batch.first + this.#maxWaitMs)
  }

  flush(nowMs) {
    const deadline = this.nextDeadline()
    if (deadline === null || nowMs < deadline) return null
    const batch = this.#batch
    this.#batch = null
    return this.#buildDecision(batch)
  }

  #buildDecision(batch) {
    const files = { serverOnly: [], shared: [], clientOnly: [], watched: [] }
    const changes = []
    for (const [file, pending] of batch.files) {
      const display = file.startsWith(this.#root + '/') ? file.slice(this.#root.length + 1) : file
      if (pending.class === 'server-only') {
        files.serverOnly.push(display)
        for (const [env, ids] of pending.serverOnly) {
          const graph = this.#graphs.get(env)?.graph
          const nodes = [...ids].map((id) => graph?.idToModuleMap.get(id)).filter(Boolean)
          if (nodes.length) changes.push({ file: display, env, nodes })
        }
      } else if (pending.class === 'shared') files.shared.push(display)
      else if (pending.class === 'client-only') files.clientOnly.push(display)
    }
    for (const list of Object.values(files)) list.sort()
    // Like the core's decision: the ids were handed out hook by hook, the decision counts them.
    const invalidatedCount = {}
    for (const [env, ids] of [...batch.invalidated].sort(([a], [b]) => (a < b ? -1 : 1)))
      invalidatedCount[env] = ids.size
    if (files.serverOnly.length === 0) {
      return { action: 'passthrough', reloadAll: false, files, invalidatedCount, pages: [], tabs: [], explanations: [] }
    }
    const { pages, explanations } = this.#affectedPages(changes)
    const tabs = []
    for (const [tab, url] of this.#tabs) {
      const page = url === null ? undefined : this.#pages.get(url)
      const hasRoots = page && [...page.values()].some((roots) => roots.size > 0)
      if (!hasRoots || pages.has(url)) tabs.push(tab)
    }
    return {
      action: this.#refresh,
      reloadAll: false,
      files,
      invalidatedCount,
      pages: [...pages].sort(),
      tabs: tabs.sort((a, b) => a - b),
      explanations,
    }
  }

  #affectedPages(changes) {
    const pages = new Set()
    const explanations = []
    for (const change of changes) {
      const index = this.#rootIndex.get(change.env)
      if (index) walkToRoots(change, index, pages, explanations)
    }
    return { pages, explanations }
  }
}

/** Does some importer path end without an HMR boundary (so the runner must re-run it)? */
function hasDeadEnd(changed) {
  const seen = new Set(changed)
  const queue = [...seen]
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]
    if (!isAnalyzed(node) || node.isSelfAccepting) continue
    if (node.importers.size === 0) return true
    let onlyCss = node.type !== 'css'
    for (const importer of node.importers) if (importer.type !== 'css') onlyCss = false
    if (onlyCss) return true
    for (const importer of node.importers) {
      if (importer.acceptedHmrDeps.has(node) || seen.has(importer)) continue
      seen.add(importer)
      queue.push(importer)
    }
  }
  return false
}

function transitiveImporters(changed) {
  const seen = new Set(changed)
  const out = [...seen]
  for (let head = 0; head < out.length; head++) {
    for (const importer of out[head].importers) {
      if (seen.has(importer)) continue
      seen.add(importer)
      out.push(importer)
    }
  }
  return out
}

/** Breadth-first up static importer edges; every recorded root reached is an affected page. */
function walkToRoots(change, index, pages, explanations) {
  const queue = change.nodes.map((node) => ({ node, parent: -1 }))
  const seen = new Set(change.nodes)
  const explained = new Set()
  for (let head = 0; head < queue.length; head++) {
    const { node } = queue[head]
    for (const url of index.get(node) ?? []) {
      pages.add(url)
      if (explanations.length < MAX_EXPLANATIONS && !explained.has(url)) {
        explained.add(url)
        explanations.push({ file: change.file, page: url, chain: chainTo(queue, head) })
      }
    }
    for (const importer of node.importers) {
      if (seen.has(importer) || importer.dynamicImportedModules.has(node)) continue
      seen.add(importer)
      queue.push({ node: importer, parent: head })
    }
  }
}

function chainTo(queue, position) {
  const chain = []
  for (let at = position; at !== -1; at = queue[at].parent) chain.push(queue[at].node.id)
  return chain.reverse()
}

const CLASS_RANK = { unknown: 0, 'client-only': 1, shared: 2, 'server-only': 3 }
const mergeClass = (a, b) => (CLASS_RANK[b] > CLASS_RANK[a] ? b : a)
