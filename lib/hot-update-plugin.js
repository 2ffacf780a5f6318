// The decision point. `order: 'post'` so framework plugins have filtered `modules` first.
// Client environments run first (Vite calls every client hook before the server ones): they
// claim the change window the watcher opened (browser-channel.js) and keep the mirror in step
// with deletions and watched files. Server environments ask
// the core what the change means and carry out its answer.

import path from 'node:path'
import { createFilter } from 'vite'

/** Importers remembered per environment while they wait for a file; more are not kept. */
const MAX_WAITING_IMPORTERS = 1000

/** @param {import('./plugin-state.js').PluginState} state */
export function hotUpdatePlugin(state) {
  let isWatchedFile = () => false
  let root = '/'
  /** @type {WeakMap<import('vite').DevEnvironment, Map<string, Set<string>>>} importer id → specifiers */
  const waitingImporters = new WeakMap()
  /** One environment's part of one file's change. */
  function handleChange(session, environment, { type, file, modules, read }) {
    const consumer = session.consumerOf(environment)
    if (!consumer) return undefined
    if (consumer === 'client') {
      session.channelOf(environment).begin(file)
      return recordClientSide(session, type, file, isWatchedFile)
    }
    if (type === 'update') dropTransformsOfTheHooks(environment, file)
    const result = session.handleServerChange(environment, file, type === 'update' ? read : undefined)
    if (type !== 'create') return result
    const importerFiles = importersOf(modules, file)
    for (const importer of takeImportersWaitingFor(waitingImporters, environment, file, root))
      importerFiles.add(importer)
    if (handleImporters(session, environment, importerFiles)) return result ?? []
    return result
  }

  return {
    name: 'vite-plugin-ssr-hmr:hot-update',
    apply: 'serve',
    configResolved(config) {
      root = config.root
      if (state.options.watch.length) isWatchedFile = createFilter(state.options.watch, null, { resolve: config.root })
    },
    // Vite watches its root; `watch` globs may name files elsewhere (a content folder next
    // to the app): watch those too.
    configureServer(server) {
      if (!state.sessionOfServer(server)) return
      for (const watched of pathsOutside(state.options.watch, root)) server.watcher.add(watched)
    },
    // Vite remembers the modules whose import failed to resolve only in the browser graph
    // (server import analysis leaves the specifier for the runtime to fail on). A `post`
    // resolveId hook is reached only when no plugin resolved the specifier: remember the
    // importer, so creating the file it waits for re-checks it as Vite does for the browser.
    resolveId: {
      order: 'post',
      handler(source, importer) {
        const environment = this.environment
        if (!importer || source.startsWith('\0')) return
        if (state.sessionOf(environment)?.consumerOf(environment) !== 'server') return
        rememberWaitingImporter(waitingImporters, environment, importer, source)
      },
    },
    hotUpdate: {
      order: 'post',
      handler(context) {
        const environment = this.environment
        if (!environment) return state.warnBundledDevOnce(this.environment?.logger ?? console)
        const session = state.sessionOf(environment)
        if (!session) return
        try {
          return handleChange(session, environment, context)
        } finally {
          // What the hooks of this file's change send to the browser is theirs to the end.
          session.hooksRan(environment, context.file)
        }
      },
    },
  }
}

/**
 * What Vite must watch for the `watch` globs that lie outside `root`: the folder each glob
 * starts from (before its first wildcard), or the file a plain path names.
 */
function pathsOutside(globs, root) {
  const paths = new Set()
  for (const glob of globs) {
    if (glob.startsWith('!')) continue
    const segments = path.resolve(root, glob).split(/[\\/]/)
    const firstMagic = segments.findIndex((segment) => /[*?[\]{}()!]/.test(segment))
    const watched = (firstMagic === -1 ? segments : segments.slice(0, firstMagic)).join('/') || '/'
    const relative = path.relative(root, watched)
    if (relative.startsWith('..') || path.isAbsolute(relative)) paths.add(watched)
  }
  return paths
}

/**
 * Vite invalidated the file's modules before the hooks ran, so a transform they hold now was
 * made during the hooks: another plugin's hook transformed the file (plugin-rsc's does, to
 * report a syntax error), possibly while it was still being written, and the server would
 * render that half-written copy until the next edit. Dropped: the next render transforms
 * the file as it is once the hooks are done (a write still later is reported by
 * `late-writes.js`).
 */
function dropTransformsOfTheHooks(environment, file) {
  const graph = environment.moduleGraph
  for (const mod of graph?.getModulesByFile?.(file) ?? []) if (mod.transformResult) graph.invalidateModule(mod)
}

function recordClientSide(session, type, file, isWatchedFile) {
  if (type === 'delete') session.guard('deleting a file', (core) => core.deleteFile(file))
  if (isWatchedFile(file)) session.handleWatchedChange(file)
}

/** Files of the modules Vite passed for a created file, other than the file itself: its importers. */
function importersOf(modules, file) {
  const importerFiles = new Set()
  for (const mod of modules) if (mod.file && mod.file !== file) importerFiles.add(mod.file)
  return importerFiles
}

/**
 * A created file may be the one an import was waiting for: the importers changed too (their
 * import now resolves), and may be server-only. Returns whether the core handled any.
 */
function handleImporters(session, environment, importerFiles) {
  let handled = false
  for (const importerFile of importerFiles) handled = !!session.handleServerChange(environment, importerFile) || handled
  return handled
}

function rememberWaitingImporter(waitingImporters, environment, importer, source) {
  let byImporter = waitingImporters.get(environment)
  if (!byImporter) waitingImporters.set(environment, (byImporter = new Map()))
  let sources = byImporter.get(importer)
  if (!sources) {
    if (byImporter.size >= MAX_WAITING_IMPORTERS) return
    byImporter.set(importer, (sources = new Set()))
  }
  sources.add(source)
}

/** Removes and returns the files of the importers whose failed specifiers may name `file`. */
function takeImportersWaitingFor(waitingImporters, environment, file, root) {
  const importerFiles = []
  const byImporter = waitingImporters.get(environment)
  if (!byImporter) return importerFiles
  for (const [importer, sources] of byImporter) {
    const importerFile = importer.split('?')[0]
    if (![...sources].some((source) => mayName(source, importerFile, file, root))) continue
    byImporter.delete(importer)
    importerFiles.push(importerFile)
  }
  return importerFiles
}

/**
 * Could `source`, imported from `importerFile`, name `file`? Relative and root paths are
 * compared with and without the extension (and as a folder's index); aliases and bare names
 * cannot be told apart here, so they may.
 */
function mayName(source, importerFile, file, root) {
  const specifier = source.split('?')[0]
  let base
  if (specifier.startsWith('.')) base = path.posix.join(path.posix.dirname(importerFile), specifier)
  else if (specifier.startsWith('/'))
    base = specifier.startsWith(root + '/') ? specifier : path.posix.join(root, specifier)
  else return true
  const extension = path.posix.extname(file)
  if (file === base || file.slice(0, file.length - extension.length) === base) return true
  return path.posix.basename(file, extension) === 'index' && path.posix.dirname(file) === base
}
