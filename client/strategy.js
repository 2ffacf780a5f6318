// Which refresh this page takes, and carrying it out: 'reload' or 'morph' ('event' leaves the
// page to the app and never gets here). The page can override the configured strategy with
// <meta name="ssr-hmr" content="…">.

import { whenSettled } from './burst.js'
import { morphSoon } from './morph.js'
import { reload, reloadUnlessFailing } from './reload.js'
import { saveBurst, state } from './state.js'

const STRATEGIES = ['reload', 'morph', 'event']

export function pageStrategy(serverStrategy) {
  const meta = document.querySelector('meta[name="ssr-hmr"]')?.getAttribute('content')?.trim()
  if (STRATEGIES.includes(meta)) return meta
  return STRATEGIES.includes(serverStrategy) ? serverStrategy : 'reload'
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
