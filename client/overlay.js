// The error overlay: a server module that does not compile, or a page that now fails to
// render, is shown here instead of reloading the tab into it.

import { CONFIG } from './config.js'
import { log } from './log.js'
import { state } from './state.js'

const MAX_ERROR_TEXT = 4000
const FAILURE_OVERLAY = 'ssr-hmr-error-overlay'

/**
 * The page now fails to render (a 500 from the framework, a text error page): reloading
 * would strand the tab on a document that cannot recover. Vite's overlay shows the error;
 * the next edit that makes the page render again refreshes the tab.
 */
export function showFailure(payload, page, failed) {
  if (payload) log(payload, `${failed}, showing the error instead of reloading`)
  let body = page.text
  if (page.isHtml) body = new DOMParser().parseFromString(page.text, 'text/html').body?.textContent ?? ''
  body = body.trim().slice(0, MAX_ERROR_TEXT)
  const message = `[ssr-hmr] ${new URL(page.url).pathname} ${failed}${body ? `:\n\n${body}` : ''}`
  showError({ message, stack: '' })
}

/** Shows `err` (Vite's error payload shape) in the overlay, if the app has overlays on. */
export function showError(err) {
  if (!err) return
  console.error(err.message)
  const Overlay = CONFIG.overlay !== false && failureOverlay()
  if (!Overlay) return
  clearShownError()
  state.shownError = new Overlay(err)
  document.body.appendChild(state.shownError)
}

/**
 * Vite's overlay under a name of our own: Vite's client clears its overlay on the next client
 * HMR update (the page's server render still fails), and reloads a page that shows one on its
 * first update (into that failing render). This one stays until the page renders again.
 */
function failureOverlay() {
  const existing = customElements.get(FAILURE_OVERLAY)
  if (existing) return existing
  const ViteErrorOverlay = customElements.get('vite-error-overlay')
  if (!ViteErrorOverlay) return undefined
  customElements.define(FAILURE_OVERLAY, class extends ViteErrorOverlay {})
  return customElements.get(FAILURE_OVERLAY)
}

/** The page renders again: the overlay about its server code is obsolete. */
export function clearShownError() {
  state.shownError?.remove()
  state.shownError = null
}
