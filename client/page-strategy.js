// The strategy a page picks over the configured one, with <meta name="ssr-hmr" content="…">.

import { CONFIG } from './config.js'

/** The page's pick, if it makes a valid one. */
export function metaStrategy() {
  const meta = document.querySelector('meta[name="ssr-hmr"]')?.getAttribute('content')?.trim()
  return CONFIG.strategies.includes(meta) ? meta : undefined
}
