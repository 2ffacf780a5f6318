import type { DevEnvironment, Plugin } from 'vite'

/** How an affected tab refreshes. Overridable per page with `<meta name="ssr-hmr" content="…">`. */
export type RefreshStrategy = 'reload' | 'morph' | 'event' | 'auto'

export interface SsrHmrOptions {
  /**
   * Which environments this plugin decides for.
   * @default every environment whose `consumer` is `'server'` (`ssr`, `rsc`, custom ones)
   */
  environments?: string[] | ((environment: DevEnvironment) => boolean)
  /**
   * What an affected tab does after a server-only edit:
   * - `'reload'`: reload the page (tabs whose page does not depend on the edit are left alone);
   * - `'morph'`: fetch the page again and morph the document, keeping scroll, focus and typed text;
   * - `'event'`: only dispatch `ssr-hmr:update`, so a framework can re-fetch its own data;
   * - `'auto'`: in place through the page's framework where the tab finds one (SvelteKit's
   *   `invalidateAll`, TanStack Router's `invalidate`, Vike's client router), keeping scroll,
   *   typed text and component state; a reload elsewhere, or when the in-place update throws,
   *   times out or does not show the fresh render.
   * @default 'auto'
   */
  refresh?: RefreshStrategy
  /**
   * Globs (relative to the root) of files that server code reads at run time without importing
   * them (content, templates, JSON read with `fs`). A change refreshes every page. Globs
   * outside the root (`../content/**`) are added to Vite's watcher.
   */
  watch?: string | string[]
  /**
   * What to do with the `full-reload` another plugin broadcasts to every tab for a server-only
   * edit (Vike's, Astro's, the Vite docs recipe copied into an app): `'replace'` drops it, the
   * plugin's targeted refresh covers the tabs that need it; `'keep'` lets it through.
   * @default 'replace'
   */
  frameworkReloads?: 'replace' | 'keep'
  /** How a burst of edits (branch switch, save-all, codegen) becomes one refresh. */
  batch?: {
    /** Quiet time after the last edit before acting, in ms. @default 30 */
    quietMs?: number
    /** Longest an edit waits while the burst goes on, in ms. @default 300 */
    maxWaitMs?: number
  }
}

/** Root-relative paths of the files in one batch, by what they mean for the browser. */
export interface ChangedFiles {
  /** Only server environments have these: Vite alone would leave the page stale. */
  serverOnly: string[]
  /** Both sides have these: the browser got Vite's own HMR update. */
  shared: string[]
  clientOnly: string[]
  /** Matched the `watch` option. */
  watched: string[]
  /**
   * Server-only files another plugin carried to the browser itself while the change was handled
   * (a client update of a module importing them, as React Router's hot data revalidation does, or
   * a custom event every affected tab answered by re-fetching its page, as `@vitejs/plugin-rsc`'s
   * `rsc:update` is): no tab is refreshed for them.
   */
  updatedInPlace: string[]
}

/**
 * What the server found when it rendered a tab's page again: `'changed'` (it renders
 * differently from what the tab shows), `'unchanged'` (same output: the tab is left alone) or
 * `'unverified'` (it could not compare: the tab shows no render the server fingerprinted, or
 * the check did not come back; the tab refreshes, a stale tab being worse).
 */
export type SsrHmrVerdict = 'changed' | 'unchanged' | 'unverified'

/**
 * One of a page's render roots that reaches a changed module: the render's entry, or a module
 * it took with `import()` (a route module, a loader), with the importer chain between them.
 * A framework can revalidate only the loaders whose module is on a chain.
 */
export interface SsrHmrRootReach {
  /** The root's module id, root-relative. */
  root: string
  /** The changed file, root-relative. */
  file: string
  /** Module ids from the changed module up to `root` (both included), root-relative. */
  chain: string[]
}

/** A page the change may affect. */
export interface SsrHmrPageReport {
  /** Path and query. */
  url: string
  /** Set once a tab of this page was checked (`'changed'` if any of its tabs renders differently). */
  verdict?: SsrHmrVerdict
}

/**
 * Data of the `ssr-hmr:update` event, sent to each tab whose page a change may have made
 * stale, once the server has applied the edits and checked what the page renders now.
 * Listen with `import.meta.hot.on('ssr-hmr:update', (data) => …)`. Every strategy emits it
 * first; with `'event'` it is all that happens, and an `'unchanged'` verdict tells the app its
 * server output did not change (it may still want to revalidate client data).
 */
export interface SsrHmrUpdatePayload {
  /** The configured strategy; the page's `<meta name="ssr-hmr">` may override it. */
  strategy: RefreshStrategy
  /**
   * Why the page may be stale: `'server-only'` when modules that only server code runs changed
   * (`files.serverOnly`), `'watched'` when only files matching the `watch` option did,
   * `'missed'` when this tab was reloading while a refresh of its page went out (its render
   * predates it; `files` is then empty).
   */
  reason: 'server-only' | 'watched' | 'missed'
  /** Every file of the batch, root-relative (a burst of edits arrives as one batch). */
  files: ChangedFiles
  /** This tab's verdict. */
  verdict: SsrHmrVerdict
  /** This tab's page: path and query. */
  page: string
  /**
   * This page's render roots that reach a changed module, with the importer chains: which
   * loaders depend on the edit (empty when which pages depend on it is not known).
   */
  roots: SsrHmrRootReach[]
  /** The pages the change may affect, with the verdicts known so far. */
  pages: SsrHmrPageReport[]
  /** Every tab got an update because which pages depend on the change is not known. */
  reloadAll: boolean
  /**
   * The change is part of a burst that is most likely still going on (its edits were written
   * right after the previous batch's, or the batch was cut by `batch.maxWaitMs`): more
   * updates may follow, and the runtime folds them into one trailing refresh. `false`: a
   * lone edit, or a burst's first, acted on at once.
   */
  settling: boolean
  /** Server time of the update, `Date.now()`. */
  timestamp: number
  /**
   * Server files that do not compile right now, on the update of a tab whose page's
   * dependencies are not known: the runtime shows their error (it arrives just before) instead
   * of refreshing into a page that cannot render.
   */
  brokenFiles?: string[]
  /**
   * With a `'changed'` verdict: the texts of the page's fresh render that the render this tab
   * was served does not have. A page updated in place must show each of them afterwards.
   */
  freshText?: string[]
  /** @internal The check this update answers (the runtime holds its response). */
  check?: string
  /** @internal The stamp of the render that answered the check. */
  render?: number
}

/** The server asks a tab to fetch its own page (runtime-internal). */
export interface SsrHmrCheckMessage {
  /** Sent back in the `x-ssr-hmr-check` header of the tab's request for its page. */
  token: string
}

/** What the browser runtime tells the server about its tab (untrusted, validated there). */
export interface SsrHmrPageMessage {
  /** The page the tab shows: `location.pathname + location.search`. */
  url: string
  /**
   * The stamp of the render the tab shows, from the dev server's
   * `Server-Timing: ssr-hmr;desc="…"` header: on the first report of a document, and after a
   * morph. It tells the server what the tab shows, and whether it missed a refresh while it
   * was reloading.
   */
  render?: number
}

// Types `import.meta.hot.on('ssr-hmr:update', …)` and `import.meta.hot.send('ssr-hmr:page', …)`
// in client code. Vite (6, 7, 8) documents augmenting this module for custom events.
declare module 'vite/types/customEvent.d.ts' {
  interface CustomEventMap {
    'ssr-hmr:update': SsrHmrUpdatePayload
    'ssr-hmr:check': SsrHmrCheckMessage
    'ssr-hmr:page': SsrHmrPageMessage
  }
}

/** Thrown by `ssrHmr()` for an unknown option or a wrong value. */
export class SsrHmrOptionsError extends TypeError {}

export declare function ssrHmr(options?: SsrHmrOptions): Plugin[]
export default ssrHmr
