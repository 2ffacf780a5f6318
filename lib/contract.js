// The contract between the dev server and the browser runtime, as the core defines it once
// (crates/ssr_hmr_core/src/contract.rs): event and header names, defaults and limits, and what
// is derived from them. The payloads' types are generated from the core's into
// types/contract.d.ts. The runtime gets `CONTRACT.browser` when it is served
// (lib/client-runtime-plugin.js).

import { loadNativeBinding } from './native.js'

const binding = loadNativeBinding()

/** @type {import('../types/contract.d.ts').SsrHmrContract} */
export const CONTRACT = binding.contract()

export const EVENTS = CONTRACT.browser.events

/**
 * The longest gap between two updates of one burst, as the browser runtime and the in-place
 * replay wait for it: the batch's stream gap plus room for a busy machine.
 * @param {{ quietMs: number, maxWaitMs: number }} batch
 */
export function settleMsOf(batch) {
  return binding.settleMs(batch.quietMs, batch.maxWaitMs)
}
