// Invalidates modules in a server environment without a "program reload": Vite's graph (so
// the next fetch transforms again where it must) and the module runners' evaluated-module
// caches (so the next import re-evaluates them). The core chose the modules: the changed ones and every
// importer up the chain, so barrel files and dynamic import() chains don't serve stale exports.

/**
 * Whether the environment runs its modules in Vite's process (a module runner we can reach).
 * Vite's `isRunnableDevEnvironment` is an `instanceof` check against the `vite` module this
 * plugin imports, which need not be the copy that created the server (linked or nested
 * installs, several Vite majors side by side); the runnable class is the one with `runner`.
 */
export function isRunnable(environment) {
  return 'runner' in environment
}

/**
 * `modules` are the changed file's modules and their importers up the chain. The changed
 * ones go first, through Vite's own rule for their importers: one that imports them
 * statically in code is soft-invalidated (a server transform is then reused as it is, only
 * re-evaluated), any other (a dynamic import, a watched file) is transformed again. Importers
 * Vite's walk does not reach (it stops at modules that accept the change) are invalidated
 * fully: the core found them stale.
 *
 * @param {import('vite').ViteDevServer} server
 * @param {import('vite').DevEnvironment} environment
 * @param {string} file the changed file
 * @param {import('vite').EnvironmentModuleNode[]} modules
 */
export function invalidateInServer(server, environment, file, modules) {
  const graph = environment.moduleGraph
  const seen = new Set()
  const runners = moduleRunnersOf(server, environment)
  for (const mod of modules) if (mod.file === file) graph.invalidateModule(mod, seen)
  for (const mod of modules) {
    if (!seen.has(mod)) graph.invalidateModule(mod, seen)
    const id = mod.id ?? mod.url
    for (const runner of runners) {
      const evaluated = runner.evaluatedModules.getModuleById(id)
      if (evaluated) runner.evaluatedModules.invalidateModule(evaluated)
    }
  }
}

/**
 * The runners that may hold evaluated copies: the environment's own (read without the `runner`
 * getter, which would create one) and, for `ssr`, the one behind `server.ssrLoadModule`.
 */
function moduleRunnersOf(server, environment) {
  const runners = [environment._runner]
  if (environment === server.environments.ssr) runners.push(server._ssrCompatModuleRunner)
  return runners.filter((runner) => runner?.evaluatedModules)
}
