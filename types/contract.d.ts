// Generated from the core's Rust types (crates/ssr_hmr_core: messages.rs, contract.rs, decision.rs)
// by `npm run gen:types`; `cargo test` fails when this file drifts from them. Do not edit.

/**
 * Data of the `ssr-hmr:update` event, sent to each tab whose page a change
 * may have made stale, once the server has applied the edits and checked
 * what the page renders now. Listen with
 * `import.meta.hot.on('ssr-hmr:update', (data) => …)`. Every strategy emits
 * it first; with `'event'` it is all that happens, and an `'unchanged'`
 * verdict tells the app its server output did not change (it may still want
 * to revalidate client data).
 */
export type SsrHmrUpdatePayload = { 
/**
 * The configured strategy; the page's `<meta name="ssr-hmr">` may
 * override it.
 */
strategy: RefreshStrategy, 
/**
 * Why the page may be stale: `'server-only'` when modules that only server
 * code runs changed (`files.serverOnly`), `'watched'` when only files
 * matching the `watch` option did, `'missed'` when this tab was reloading
 * while a refresh of its page went out (its render predates it; `files` is
 * then empty).
 */
reason: SsrHmrReason, 
/**
 * Every file of the batch, root-relative (a burst of edits arrives as one
 * batch).
 */
files: ChangedFiles, 
/**
 * This tab's verdict.
 */
verdict: SsrHmrVerdict, 
/**
 * This tab's page: path and query.
 */
page: string, 
/**
 * This page's render roots that reach a changed module, with the
 * importer chains: which loaders depend on the edit (empty when which
 * pages depend on it is not known).
 */
roots: Array<SsrHmrRootReach>, 
/**
 * The pages the change may affect, with the verdicts known so far.
 */
pages: Array<SsrHmrPageReport>, 
/**
 * Every tab got an update because which pages depend on the change is not
 * known.
 */
reloadAll: boolean, 
/**
 * The change is part of a burst that is most likely still going on (its
 * edits were written right after the previous batch's, or the batch was
 * cut by `batch.maxWaitMs`): more updates may follow, and the runtime
 * folds them into one trailing refresh. `false`: a lone edit, or a burst's
 * first, acted on at once.
 */
settling: boolean, 
/**
 * Server time of the update, `Date.now()` (passed in by the shim:
 * `Effects::stamp`).
 */
timestamp: number, 
/**
 * Server files that do not compile right now, on the update of a tab
 * whose page's dependencies are not known (so not told apart as an error
 * tab): the runtime shows their error (it arrives just before) instead of
 * refreshing into a page that cannot render.
 */
brokenFiles?: Array<string>, 
/**
 * With a `'changed'` verdict: the texts of the page's fresh render that
 * the render this tab was served does not have (`fresh_text.rs`). A page
 * updated in place must show each of them afterwards; absent when they
 * cannot be told.
 */
freshText?: Array<string>, 
/**
 * @internal The check this update answers (the runtime holds its
 * response).
 */
check?: string, 
/**
 * @internal The stamp of the render that answered the check.
 */
render?: number, };

/**
 * How a tab is refreshed after a server-only change: the app's `refresh`
 * option, which a page overrides with `<meta name="ssr-hmr" content="…">`
 * (its tab reports it with `PAGE_EVENT`).
 */
export type RefreshStrategy = "reload" | "morph" | "event" | "auto";

/**
 * Why the page may be stale.
 */
export type SsrHmrReason = "server-only" | "watched" | "missed";

/**
 * Root-relative paths of the files in one batch (`/` separators, sorted), by what they mean
 * for the browser.
 */
export type ChangedFiles = { 
/**
 * Only server environments have these: Vite alone would leave the page stale.
 */
serverOnly: Array<string>, 
/**
 * Both sides have these: the browser got Vite's own HMR update.
 */
shared: Array<string>, clientOnly: Array<string>, 
/**
 * Matched the `watch` option.
 */
watched: Array<string>, 
/**
 * Server-only files another plugin carried to the browser itself while the change was
 * handled (a client update of a module importing them, as React Router's hot data
 * revalidation does, or a custom event every affected tab answered by re-fetching its page,
 * as `@vitejs/plugin-rsc`'s `rsc:update` is): no tab is refreshed for them.
 */
updatedInPlace: Array<string>, };

/**
 * What the server found when it rendered a tab's page again.
 */
export type SsrHmrVerdict = "changed" | "unchanged" | "unverified";

/**
 * One of a page's render roots that reaches a changed module: the render's
 * entry, or a module it took with `import()` (a route module, a loader),
 * with the importer chain between them. A framework can revalidate only the
 * loaders whose module is on a chain.
 */
export type SsrHmrRootReach = { 
/**
 * The root's module id, root-relative.
 */
root: string, 
/**
 * The changed file, root-relative.
 */
file: string, 
/**
 * Module ids from the changed module up to `root` (both included),
 * root-relative.
 */
chain: Array<string>, };

/**
 * A page the change may affect, with its verdict once a tab of it was
 * checked (`changed` if any of its tabs renders differently).
 */
export type SsrHmrPageReport = { 
/**
 * Path and query.
 */
url: string, 
/**
 * Set once a tab of this page was checked.
 */
verdict?: SsrHmrVerdict, };

/**
 * The server asks a tab to fetch its own page (runtime-internal).
 */
export type SsrHmrCheckMessage = { 
/**
 * Sent back in the `x-ssr-hmr-page-fetch` header of the tab's request.
 */
token: string, 
/**
 * Edits are still arriving: the tab may wait for the burst to settle
 * before fetching, and answer only the last check.
 */
settling: boolean, };

/**
 * What the browser runtime tells the server about its tab with
 * `ssr-hmr:page` (untrusted: the shim validates it before the core hears of
 * it).
 */
export type SsrHmrPageMessage = { 
/**
 * The page the tab shows: `location.pathname + location.search`.
 */
url: string, 
/**
 * The stamp of the render the tab shows, from the dev server's
 * `Server-Timing: ssr-hmr;desc="…"` header: on the first report of a
 * document, and after a morph. It tells the server what the tab shows,
 * and whether it missed a refresh while it was reloading.
 */
render?: number, 
/**
 * The strategy the page picks with `<meta name="ssr-hmr">`, if it picks
 * one: the server's log line then says what the tab did.
 */
strategy?: RefreshStrategy, };

/**
 * What the browser runtime tells the server after acting on an update with
 * `'auto'` (`ssr-hmr:refreshed`; untrusted, checked by the shim), for the
 * terminal's line saying which way the tab refreshed.
 */
export type SsrHmrRefreshedMessage = { 
/**
 * The page the tab shows.
 */
page: string, path: SsrHmrRefreshPath, 
/**
 * The framework part it went through, if any (`vike`, `sveltekit`, …).
 */
framework?: string, };

/**
 * Which way a tab refreshed for an update.
 */
export type SsrHmrRefreshPath = "in-place" | "reload";

/**
 * Everything above, as the shim reads it (`contract()` of the binding).
 */
export type SsrHmrContract = { browser: SsrHmrBrowserContract, ignorableQueryParams: [string, string, string, string, string, string], noTab: number, batch: SsrHmrBatchDefaults, checkTimeoutMs: number, };

/**
 * What the browser runtime is given when it is served (with the app's
 * options: `refresh`, `settleMs`, `overlay`).
 */
export type SsrHmrBrowserContract = { events: SsrHmrEvents, strategies: RefreshStrategy[], pageFetchHeader: string, refreshFetch: string, serverTimingName: string, renderPath: string, verdictTimeoutMs: number, };

/**
 * The events between the dev server and the runtime, by what they carry.
 */
export type SsrHmrEvents = { page: string, check: string, update: string, error: string, refreshed: string, };

/**
 * The `batch` option's defaults and limit, in ms.
 */
export type SsrHmrBatchDefaults = { quietMs: number, maxWaitMs: number, 
/**
 * Largest value of either.
 */
maxMs: number, };
