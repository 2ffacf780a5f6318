/**
 * Counts a loader's runs in the browser (`window.__loaderRuns`), so the tests can tell which
 * loaders an in-place update re-ran. Loaders run on the server for the first render; in the
 * browser only on navigation and when the router is invalidated.
 */
export function countLoaderRun(route: string) {
  if (typeof window === 'undefined') return
  const runs: Record<string, number> = ((window as any).__loaderRuns ??= {})
  runs[route] = (runs[route] ?? 0) + 1
}
