// What this runtime shares with the dev server, filled in when the dev server serves this file
// (lib/client-runtime-plugin.js replaces the placeholder, as Vite fills in its client's
// constants): the core's contract (crates/ssr_hmr_core/src/contract.rs: header names, the
// strategies, how long a check's response waits for its verdict; the event names are filled
// in where client/server.js names them) and the app's options (`refresh`,
// `settleMs`: the longest gap between two updates of one burst, `overlay`).
export const CONFIG = __SSR_HMR_CONFIG__
