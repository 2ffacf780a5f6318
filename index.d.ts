import type { DevEnvironment, Plugin } from 'vite'

/** How an affected tab refreshes. Overridable per page with `<meta name="ssr-hmr" content="…">`. */
export type RefreshStrategy = 'reload' | 'morph' | 'event'

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
   * - `'event'`: only dispatch `ssr-hmr:update`, so a framework can re-fetch its own data.
   * @default 'reload'
   */
  refresh?: RefreshStrategy
  /**
   * Globs (relative to the root) of files that server code reads at run time without importing
   * them (content, templates, JSON read with `fs`). A change refreshes every page. Globs
   * outside the root (`../content/**`) are added to Vite's watcher.
   */
  watch?: string | string[]
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
}

/**
 * Data of the `ssr-hmr:update` event, sent only to the tabs whose page is stale, once the
 * server has applied the edits. Every strategy emits it first (listen with
 * `import.meta.hot.on('ssr-hmr:update', (data) => …)`); with `'event'` it is all that happens.
 */
export interface SsrHmrUpdatePayload {
  /** The configured strategy; the page's `<meta name="ssr-hmr">` may override it. */
  strategy: RefreshStrategy
  /**
   * Why the page is stale: `'server-only'` when modules that only server code runs changed
   * (`files.serverOnly`), `'watched'` when only files matching the `watch` option did,
   * `'missed'` when this tab was reloading while a refresh of its page went out (its render
   * predates it; `files` is then empty).
   */
  reason: 'server-only' | 'watched' | 'missed'
  /** Every file of the batch, root-relative (a burst of edits arrives as one batch). */
  files: ChangedFiles
  /** URLs (path and query) of the pages known to depend on the change. */
  pages: string[]
  /** Every tab is refreshed because which pages depend on the change is not known. */
  reloadAll: boolean
  /**
   * Edits are still arriving (the batch was cut by `batch.maxWaitMs`): more updates will
   * follow, and the runtime folds them into one trailing refresh. `false` ends the burst.
   */
  settling: boolean
  /** Server time of the decision, `Date.now()`. */
  timestamp: number
}

/** What the browser runtime tells the server about its tab (untrusted, validated there). */
export interface SsrHmrPageMessage {
  /** The page the tab shows: `location.pathname + location.search`. */
  url: string
  /**
   * On the first report of a document: the render stamp the dev server sent in its
   * `Server-Timing: ssr-hmr;desc="…"` header. It lets the server refresh a tab that missed a
   * refresh while it was reloading.
   */
  renderedEpoch?: number
}

// Types `import.meta.hot.on('ssr-hmr:update', …)` and `import.meta.hot.send('ssr-hmr:page', …)`
// in client code. Vite (6, 7, 8) documents augmenting this module for custom events.
declare module 'vite/types/customEvent.d.ts' {
  interface CustomEventMap {
    'ssr-hmr:update': SsrHmrUpdatePayload
    'ssr-hmr:page': SsrHmrPageMessage
  }
}

/** Thrown by `ssrHmr()` for an unknown option or a wrong value. */
export class SsrHmrOptionsError extends TypeError {}

export declare function ssrHmr(options?: SsrHmrOptions): Plugin[]
export default ssrHmr
