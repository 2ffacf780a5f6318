// Which Vite module node each of the core's module indexes is, per environment. The core names
// the modules to invalidate by index (what `updateModule` returned), so an edit of a module
// thousands import crosses the boundary as one typed array, with no string made or parsed.

export class ModuleIndex {
  /** @type {Map<string, import('vite').EnvironmentModuleNode[]>} */
  #nodes = new Map()

  /** `ix`: what the core's `updateModule` returned for `mod` (null: not mirrored). */
  register(environmentName, ix, mod) {
    if (ix == null) return
    let nodes = this.#nodes.get(environmentName)
    if (!nodes) this.#nodes.set(environmentName, (nodes = []))
    nodes[ix] = mod
  }

  /**
   * The nodes behind `indexes`. An index registered by no transform (an import the core saw
   * before Vite transformed it) is looked up in Vite's graph by the id the core knows.
   */
  nodesOf(environmentName, environment, indexes, idOf) {
    const nodes = this.#nodes.get(environmentName) ?? []
    const found = []
    for (const ix of indexes) {
      const mod = nodes[ix] ?? environment.moduleGraph.getModuleById(idOf(ix) ?? '')
      if (mod) found.push(mod)
    }
    return found
  }

  clear() {
    this.#nodes.clear()
  }
}
