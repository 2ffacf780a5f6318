// The 'reload' strategy, and the fallback of every other path that cannot go on.

import { showFailure } from './overlay.js'
import { failure, fetchPage } from './server.js'
import { saveBurst, state } from './state.js'

export function reload() {
  // Once a reload is under way, later updates are already covered by it.
  if (state.reloading) return
  state.reloading = true
  state.burst.reloadAt = Date.now()
  saveBurst()
  location.reload()
}

/** Reloads, unless the page now fails to render: that is shown here instead. */
export async function reloadUnlessFailing() {
  let page
  try {
    page = await fetchPage(location.href)
  } catch {
    return reload()
  }
  const failed = failure(page)
  if (failed) return showFailure(undefined, page, failed)
  reload()
}
