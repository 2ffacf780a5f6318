// The decision point. `order: 'post'` so framework plugins have filtered `modules` first.
// Client environments run first (Vite calls every client hook before the server ones): they
// only keep the mirror in step with deletions and watched files. Server environments ask
// the core what the change means and carry out its answer.

import { createFilter } from 'vite'

/** @param {import('./plugin-state.js').PluginState} state */
export function hotUpdatePlugin(state) {
  let isWatchedFile = () => false
  return {
    name: 'vite-plugin-ssr-hmr:hot-update',
    apply: 'serve',
    configResolved(config) {
      if (state.options.watch.length) isWatchedFile = createFilter(state.options.watch, null, { resolve: config.root })
    },
    hotUpdate: {
      order: 'post',
      async handler({ type, file, modules, read }) {
        const environment = this.environment
        if (!environment) return state.warnBundledDevOnce(this.environment?.logger ?? console)
        const session = state.sessionOf(environment)
        const consumer = session?.consumerOf(environment)
        if (!consumer) return
        if (consumer === 'client') return recordClientSide(session, type, file, isWatchedFile)
        // An editor may still be writing: act on the file once it is readable.
        if (type === 'update') await read()
        if (session.disposed) return
        const result = session.handleServerChange(environment, file)
        if (type === 'create' && handleResolveFailures(session, environment, file, modules)) return result ?? []
        return result
      },
    },
  }
}

function recordClientSide(session, type, file, isWatchedFile) {
  if (type === 'delete') session.guard('deleting a file', (core) => core.deleteFile(file))
  if (isWatchedFile(file)) session.handleWatchedChange(file)
}

/**
 * A created file may be the one an import was waiting for: Vite then passes the modules that
 * failed to resolve it. Those importers changed too, and may be server-only.
 */
function handleResolveFailures(session, environment, file, modules) {
  const importerFiles = new Set()
  for (const mod of modules) if (mod.file && mod.file !== file) importerFiles.add(mod.file)
  let handled = false
  for (const importerFile of importerFiles) handled = !!session.handleServerChange(environment, importerFile) || handled
  return handled
}
