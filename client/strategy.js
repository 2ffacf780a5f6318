// Which refresh this page takes, and carrying it out: 'reload' or 'morph' ('event' leaves the
// page to the app and never gets here). The page can override the configured strategy with
// <meta name="ssr-hmr" content="…">.

import { whenSettled } from './burst.js'
import { CONFIG } from './config.js'
import { morphSoon } from './morph.js'
import { reload, reloadUnlessFailing } from './reload.js'
import { metaStrategy } from './page-strategy.js'
import { saveBurst, state } from './state.js'

export function pageStrategy(serverStrategy) {
  return metaStrategy() ?? (CONFIG.strategies.includes(serverStrategy) ? serverStrategy : 'reload')
}

/** `page`: this page's new render, when a check fetched it. */
export function refresh(strategy, page) {
  state.burst.activeAt = Date.now()
  saveBurst()
  if (strategy === 'morph') return morphSoon(page)
  if (page) return reload()
  reloadUnlessFailing()
}

/** (Re)arms the trailing refresh of a burst. */
export function refreshLater(strategy) {
  whenSettled('refresh', () => refresh(strategy))
}
