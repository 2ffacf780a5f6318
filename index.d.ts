import type { DevEnvironment, ErrorPayload, Plugin } from 'vite'
import type {
  RefreshStrategy,
  SsrHmrCheckMessage,
  SsrHmrPageMessage,
  SsrHmrRefreshedMessage,
  SsrHmrUpdatePayload,
} from './types/contract.d.ts'

// The payloads between the dev server and the browser, generated from the core's Rust types
// (`npm run gen:types`; a test fails when they drift).
export type * from './types/contract.d.ts'

export interface SsrHmrOptions {
  /**
   * Which environments this plugin decides for.
   * @default every environment whose `consumer` is `'server'` (`ssr`, `rsc`, custom ones)
   */
  environments?: string[] | ((environment: DevEnvironment) => boolean)
  /**
   * How an affected tab refreshes (overridable per page with `<meta name="ssr-hmr" content="…">`):
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

/**
 * Data of the `ssr-hmr:error` event: the compile error of a server module, for the tabs whose
 * page uses it, in the shape of Vite's own error payload (machine paths made root-relative). The
 * runtime shows it in the plugin's overlay.
 */
export interface SsrHmrErrorMessage {
  err: ErrorPayload['err']
}

// Types `import.meta.hot.on('ssr-hmr:update', …)` and `import.meta.hot.send('ssr-hmr:page', …)`
// in client code. Vite (6, 7, 8) documents augmenting this module for custom events.
declare module 'vite/types/customEvent.d.ts' {
  interface CustomEventMap {
    'ssr-hmr:update': SsrHmrUpdatePayload
    'ssr-hmr:check': SsrHmrCheckMessage
    'ssr-hmr:page': SsrHmrPageMessage
    'ssr-hmr:refreshed': SsrHmrRefreshedMessage
    'ssr-hmr:error': SsrHmrErrorMessage
  }
}

/** Thrown by `ssrHmr()` for an unknown option or a wrong value. */
export class SsrHmrOptionsError extends TypeError {}

export declare function ssrHmr(options?: SsrHmrOptions): Plugin[]
export default ssrHmr
