// The server asks whether this page renders differently now (`ssr-hmr:check {token}`): the
// tab fetches its own URL with the token, and the server compares that render with the one
// the tab shows. Its verdict (`ssr-hmr:update`) then takes the response (`takeCheck`).

import { cancelWhenSettled, noteBurstActivity, whenSettled } from './burst.js'
import { CONFIG } from './config.js'
import { prefetchBase } from './patch.js'
import { reload } from './reload.js'
import { fetchPage } from './server.js'
import { state } from './state.js'

/**
 * While a burst of edits goes on (`settling`), the fetch waits for the burst to settle and
 * answers only the last check: one extra render per burst, on the final code.
 */
export function onCheck(data) {
  const token = data?.token
  if (typeof token !== 'string') return
  if (noteBurstActivity(data.settling)) {
    whenSettled('check', () => startCheck(token))
    return
  }
  cancelWhenSettled('check')
  startCheck(token)
}

function startCheck(token) {
  state.check?.controller.abort()
  const controller = new AbortController()
  const url = location.href
  const current = { token, url, controller }
  current.response = fetchPage(url, { token, signal: controller.signal }).catch((error) => ({ url, error }))
  // The verdict should follow the response at once; if it never comes, refresh anyway. The wait
  // is past the server's own limit on a check (the contract derives it from that limit): a
  // verdict lost on the way must not leave the tab stale.
  current.response.then(() => {
    if (state.check !== current) return
    current.timer = setTimeout(() => {
      if (state.check !== current) return
      state.check = null
      console.warn('[ssr-hmr] no verdict from the dev server for this page, reloading')
      reload()
    }, CONFIG.verdictTimeoutMs)
  })
  state.check = current
  prefetchBase()
}

/** The error a check's render failed with comes before its verdict: it is what to show. */
export function noteCheckError() {
  if (state.check) state.check.errorShown = true
}

/**
 * The response of the check `token`, if this tab made it and the server judged it. A check
 * the server gave up on (`unverified`) may still hang: it is dropped.
 */
export async function takeCheck(token, verdict) {
  if (!token || state.check?.token !== token) return undefined
  const current = state.check
  state.check = null
  clearTimeout(current.timer)
  if (verdict === 'unverified') {
    current.controller.abort()
    return undefined
  }
  const response = await current.response
  clearTimeout(current.timer)
  return { ...response, errorShown: current.errorShown }
}
