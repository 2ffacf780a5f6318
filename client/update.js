// The server's verdict on this tab (`ssr-hmr:update`): leave the page, show an error, leave
// it to the app ('event'), fold it into a burst's trailing refresh, or refresh it now.

import { cancelWhenSettled, noteBurstActivity } from './burst.js'
import { takeCheck } from './check.js'
import { log } from './log.js'
import { clearShownError, showFailure } from './overlay.js'
import { reload } from './reload.js'
import { UPDATE_EVENT, failure, reportRender } from './server.js'
import { pageStrategy, refresh, refreshAuto, refreshLater } from './strategy.js'

export function onUpdate(payload) {
  // Vite calls every listener of this event in turn; acting in a microtask lets the app's
  // own listeners see the update before the page changes. Returning nothing matters too:
  // Vite handles HMR messages one at a time and would wait for a returned promise.
  queueMicrotask(() => {
    handleUpdate(payload).catch((error) => {
      console.warn(`[ssr-hmr] handling an update failed, reloading instead: ${error?.message ?? error}`)
      reload()
    })
  })
}

async function handleUpdate(payload) {
  const strategy = pageStrategy(payload?.strategy)
  const page = await takeCheck(payload?.check, payload?.verdict)
  if (payload?.verdict === 'unchanged') {
    log(payload, 'output unchanged, not refreshed')
    clearShownError()
    return
  }
  if (page?.error) {
    log(payload, `could not be fetched (${page.error.message ?? page.error}), reloading`)
    return reload()
  }
  if (payload?.brokenFiles?.length) {
    // Its page renders differently while these do not compile (the error came just before).
    return log(
      payload,
      `renders differently while ${payload.brokenFiles.join(', ')} does not compile, showing the error instead of refreshing`,
    )
  }
  const failed = page && failure(page)
  if (failed && page.errorShown) return log(payload, `${failed}, showing the error instead of reloading`)
  if (failed) return showFailure(payload, page, failed)
  const differently = payload?.verdict === 'changed' ? 're-rendered differently' : 'may depend on it'
  if (strategy === 'event') {
    log(payload, `${differently}, ${UPDATE_EVENT} left to the app`)
    clearShownError()
    // The app updates itself to the page's new render.
    return reportRender(page?.render)
  }
  // A checked update already waited for its burst to settle (its check did); an unchecked
  // one folds into the trailing refresh of a burst that goes on.
  if (!page && noteBurstActivity(payload?.settling)) {
    log(payload, `${differently}, refreshing when the burst of edits ends`)
    return refreshLater(strategy)
  }
  cancelWhenSettled('refresh')
  if (strategy === 'auto') return refreshAuto(payload, page, differently)
  log(payload, `${differently}, ${strategy === 'morph' ? 'morphing' : 'reloading'}`)
  refresh(strategy, page)
}
