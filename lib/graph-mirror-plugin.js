// Feeds the core's mirror of every environment's module graph. A `transform` hook with
// `order: 'post'` runs after Vite's import analysis has written the module's edges
// (`updateModuleInfo`), so the node it reads is exactly what Vite's graph now holds.
// Vite's node does not say which imports are dynamic (its `staticImportedUrls` means "written
// as a literal"), and a page's closure must not follow an `import()` it did not take, so the
// transformed code is lexed with es-module-lexer, the lexer Vite itself uses.

import { init, parse } from 'es-module-lexer'
import { CONTRACT } from './contract.js'

await init

/** @param {import('./plugin-state.js').PluginState} state */
export function graphMirrorPlugin(state) {
  return {
    name: 'vite-plugin-ssr-hmr:graph-mirror',
    apply: 'serve',
    transform: {
      order: 'post',
      handler(code, id) {
        const environment = this.environment
        const session = state.sessionOf(environment)
        if (!session || !session.consumerOf(environment)) return
        const mod = environment.moduleGraph.getModuleById(id)
        if (!mod) return
        session.compilation.markTransformed(mod)
        const isDynamicUrl = onlyDynamicallyImported(code)
        const isDynamic = (imported) => isDynamicUrl(withoutIgnorableParams(imported.url))
        const name = session.nameOf(environment)
        session.guard('mirroring the module graph', (core) => {
          for (const fileOnly of fileOnlyImportsOf(mod)) {
            session.modules.register(name, core.updateModule(name, toAnalyzedModule(fileOnly)), fileOnly)
          }
          session.modules.register(name, core.updateModule(name, toAnalyzedModule(mod, isDynamic)), mod)
        })
      },
    },
  }
}

/** Vite's key for a node: its resolved id, or its url for file-only entries (`addWatchFile`). */
export function keyOf(mod) {
  return mod.id ?? mod.url
}

/**
 * What the core is told of a Vite module node.
 * @param {(imported: import('vite').EnvironmentModuleNode) => boolean} isDynamic whether an
 *   import of the node is only an `import()`
 * @returns {import('../binding.d.cts').AnalyzedModule}
 */
export function toAnalyzedModule(mod, isDynamic = () => false) {
  const imports = []
  for (const imported of mod.importedModules) {
    // An edge counts when both ends agree. Vite's `onFileDelete` removes a deleted module from
    // its imports' importers (what propagation walks) but not its own `importedModules`,
    // and import analysis leaves those untouched when a module comes back with no imports.
    if (!imported.importers.has(mod)) continue
    imports.push({ id: keyOf(imported), dynamic: isDynamic(imported) })
  }
  const acceptedDeps = []
  for (const accepted of mod.acceptedHmrDeps) acceptedDeps.push(keyOf(accepted))
  return {
    id: keyOf(mod),
    url: mod.url,
    file: mod.file ?? undefined,
    type: mod.type,
    selfAccepting: mod.isSelfAccepting === true,
    acceptedDeps,
    imports,
  }
}

const IGNORABLE_PARAMS = new Set(CONTRACT.ignorableQueryParams)

/**
 * A url without the query parameters that never change what a module is (the core's list,
 * which its module keys are made without): Vite adds `?t=` and `?import` to urls in client
 * code, and graph urls have neither.
 */
function withoutIgnorableParams(url) {
  const queryStart = url.indexOf('?')
  if (queryStart === -1) return url
  const params = url
    .slice(queryStart + 1)
    .split('&')
    .filter((param) => param !== '' && !IGNORABLE_PARAMS.has(param.split('=')[0]))
  return params.length ? `${url.slice(0, queryStart)}?${params.join('&')}` : url.slice(0, queryStart)
}

/**
 * Which urls this code imports only through `import()`. An import that cannot be lexed or
 * matched counts as static: a page then depends on more, never on less, than it does.
 */
function onlyDynamicallyImported(code) {
  let imports
  try {
    ;[imports] = parse(code)
  } catch {
    return () => false
  }
  const staticUrls = new Set()
  const dynamicUrls = new Set()
  for (const { n: specifier, d: dynamicStart } of imports) {
    if (specifier == null || dynamicStart === -2) continue
    ;(dynamicStart > -1 ? dynamicUrls : staticUrls).add(withoutIgnorableParams(specifier))
  }
  if (dynamicUrls.size === 0) return () => false
  return (url) => dynamicUrls.has(url) && !staticUrls.has(url)
}

/**
 * Files a plugin watches for a module (`this.addWatchFile`) are graph nodes that are never
 * transformed; Vite treats them as analyzed, so the mirror does too.
 */
function* fileOnlyImportsOf(mod) {
  for (const imported of mod.importedModules) {
    if (imported.id == null && imported.type === 'asset' && imported.file) yield imported
  }
}
