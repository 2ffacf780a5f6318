// Which refresh this page takes, and carrying it out: 'reload', 'morph', or 'auto' (in place
// through the page's framework, in-place.js) ('event' leaves the page to the app and never
// gets here). The page can override the configured strategy with
// <meta name="ssr-hmr" content="…">.

import { whenSettled } from './burst.js'
import { CONFIG } from './config.js'
import { inPlaceFramework, updateInPlace } from './in-place.js'
import { log } from './log.js'
import { morphSoon } from './morph.js'
import { htmlPatch } from './patch.js'
import { clearShownError } from './overlay.js'
import { reload, reloadUnlessFailing } from './reload.js'
import { metaStrategy } from './page-strategy.js'
import { reportRefreshed, reportRender } from './server.js'
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

/**
 * 'auto': in place when the server checked the page (`page`, the check's response): through
 * the page's framework when it has one, else by a three-way patch of the HTML (patch.js); a
 * reload otherwise, or when the update does not end on the fresh render. Updates that arrive
 * meanwhile wait for the running one.
 */
export function refreshAuto(payload, page, differently) {
  state.burst.activeAt = Date.now()
  saveBurst()
  const serial = ++state.inPlaceSerial
  const superseded = () => serial !== state.inPlaceSerial
  const previous = state.updatingInPlace ?? Promise.resolve()
  state.updatingInPlace = previous.then(async () => {
    // A newer update came before this one could start: it brings a newer render.
    if (superseded() || state.reloading) return
    const framework = page && ((await inPlaceFramework()) ?? htmlPatch(page))
    const result = framework ? await updateInPlace(framework, payload, superseded) : 'failed'
    if (result === 'superseded') return log(payload, `${differently}, a newer update follows`)
    if (result === 'shown') {
      log(payload, `${differently}, ${framework.shownAs ?? `updated in place (${framework.name})`}`)
      reportRefreshed('in-place', framework.name)
      clearShownError()
      // The tab now shows the render the check fetched.
      return reportRender(page.render)
    }
    const why = framework ? ` (${framework.name} did not show the fresh render in place)` : ''
    log(payload, `${differently}, reloading${why}`)
    reportRefreshed('reload', framework?.name)
    refresh('reload', page)
  })
}

/** (Re)arms the trailing refresh of a burst. */
export function refreshLater(strategy) {
  whenSettled('refresh', () => refresh(strategy))
}
