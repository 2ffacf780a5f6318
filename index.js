// vite-plugin-ssr-hmr: server-only edits refresh exactly the tabs that depend on them.
// This entry only wires plugin objects together; each concern has its own file in lib/, and
// every decision is made by the Rust core (crates/ssr_hmr_core) behind binding.cjs.

import { clientRuntimePlugin } from './lib/client-runtime-plugin.js'
import { graphMirrorPlugin } from './lib/graph-mirror-plugin.js'
import { hotUpdatePlugin } from './lib/hot-update-plugin.js'
import { loadNativeBinding } from './lib/native.js'
import { resolveOptions } from './lib/options.js'
import { pageTrackingPlugin } from './lib/page-tracking-plugin.js'
import { PluginState } from './lib/plugin-state.js'
import { sessionPlugin } from './lib/session-plugin.js'

export { SsrHmrOptionsError } from './lib/options.js'

/**
 * @param {import('./index.d.ts').SsrHmrOptions} [options]
 * @returns {import('vite').Plugin[]}
 */
export function ssrHmr(options) {
  const state = new PluginState(loadNativeBinding(), resolveOptions(options))
  return [
    sessionPlugin(state),
    graphMirrorPlugin(state),
    pageTrackingPlugin(state),
    hotUpdatePlugin(state),
    clientRuntimePlugin(state),
  ]
}

export default ssrHmr
