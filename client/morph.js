// The 'morph' strategy: the document is morphed in place to the page's new HTML (idiomorph),
// keeping scroll, focus, typed text, open <details>/<dialog> and permanent subtrees.

import { clearShownError, showFailure } from './overlay.js'
import { reload } from './reload.js'
import { failure, fetchPage, reportRender } from './server.js'
import { state } from './state.js'

const PERMANENT = 'data-ssr-hmr-permanent'
const STYLESHEET_TIMEOUT_MS = 3000

/** At most one morph runs; updates that arrive meanwhile become a single follow-up morph. */
export function morphSoon(page) {
  if (state.reloading) return
  if (state.morphing) {
    state.morphAgain = true
    return
  }
  state.morphing = (async () => {
    try {
      let next = page
      do {
        state.morphAgain = false
        await morphPage(next)
        next = undefined
      } while (state.morphAgain && !state.reloading)
    } catch (error) {
      console.warn(`[ssr-hmr] morph failed, reloading instead: ${error?.message ?? error}`)
      reload()
    } finally {
      state.morphing = null
    }
  })()
}

export function loadIdiomorph() {
  // Served by the plugin (not a bare import), so the app needs no dependency on idiomorph
  // and Vite's dependency optimizer never sees it (a late discovery would reload the page).
  state.idiomorph ??= import('virtual:ssr-hmr/idiomorph').then((module) => module.Idiomorph)
  return state.idiomorph
}

/** Morphs the document to `page` (a render fetched for this URL), or to a fresh one. */
async function morphPage(page) {
  const url = location.href
  const [fetched, Idiomorph] = await Promise.all([page?.url === url ? page : fetchPage(url), loadIdiomorph()])
  if (fetched.redirected) throw new Error('the page redirects')
  const failed = failure(fetched)
  if (failed) return showFailure(undefined, fetched, failed)
  if (fetched.status < 200 || fetched.status >= 300) throw new Error(`the page answered ${fetched.status}`)
  // A client-side navigation while fetching: this HTML is for a page the tab left.
  if (location.href !== url) {
    state.morphAgain = true
    return
  }
  // DOMParser marks its scripts as already run, so nodes cloned from it never execute.
  const next = new DOMParser().parseFromString(fetched.text, 'text/html')
  const added = addedScript(next)
  if (added) throw new Error(`a script changed (${added}), which only a reload runs`)

  await loadNewStylesheets(next)
  const scroll = [scrollX, scrollY]
  const active = document.activeElement
  Idiomorph.morph(document.documentElement, [next.head, next.body], {
    morphStyle: 'innerHTML',
    restoreFocus: true,
    head: { style: 'merge', shouldRemove: isServerHeadNode },
    callbacks: {
      beforeNodeAdded: (node) => node.nodeName !== 'SCRIPT',
      beforeNodeMorphed: (node) => node.nodeName !== 'SCRIPT' && !node.hasAttribute?.(PERMANENT),
      beforeAttributeUpdated: keepsClientState,
    },
  })
  if (active?.isConnected && document.activeElement !== active) active.focus({ preventScroll: true })
  if (scrollX !== scroll[0] || scrollY !== scroll[1]) scrollTo(scroll[0], scroll[1])
  // The page now shows what the server renders: an error overlay from before is obsolete.
  for (const overlay of document.querySelectorAll('vite-error-overlay')) overlay.remove()
  clearShownError()
  reportRender(fetched.render)
}

/**
 * New stylesheets are added (and loaded) before the morph, so the body never shows unstyled;
 * the morph then finds them in place and only removes the ones the server dropped.
 * idiomorph's own `head.block` waits for a `load` event that links such as
 * rel="canonical" never fire.
 */
async function loadNewStylesheets(next) {
  const present = new Set(Array.from(document.head.children, (node) => node.outerHTML))
  const loads = []
  for (const link of next.head.querySelectorAll('link[rel~="stylesheet"]')) {
    if (present.has(link.outerHTML)) continue
    const added = document.importNode(link, true)
    loads.push(
      new Promise((resolve) => {
        added.addEventListener('load', resolve)
        added.addEventListener('error', resolve)
        setTimeout(resolve, STYLESHEET_TIMEOUT_MS)
      }),
    )
    document.head.append(added)
  }
  await Promise.all(loads)
}

/** What identifies a script for "did it change": nonces and attribute order do not count. */
function scriptKey(script) {
  return `${script.type}|${script.getAttribute('src') ?? ''}|${script.textContent}`
}

/** A script the new HTML has and the page never ran: morphing cannot run it, a reload can. */
function addedScript(next) {
  const running = new Set(Array.from(document.scripts, scriptKey))
  for (const script of next.scripts) {
    if (!running.has(scriptKey(script))) return script.getAttribute('src') ?? 'inline'
  }
  return undefined
}

/**
 * Head nodes the new HTML lacks are removed, except what the browser side added itself:
 * Vite's styles for CSS imported by client code, and scripts (removing one undoes nothing).
 */
function isServerHeadNode(node) {
  return !(node.nodeName === 'SCRIPT' || (node.nodeName === 'STYLE' && node.hasAttribute('data-vite-dev-id')))
}

/**
 * idiomorph copies the server's values onto form fields; what the user changed wins
 * (typed text, ticked boxes, chosen options, opened <details> and <dialog>).
 */
function keepsClientState(attribute, element) {
  switch (attribute) {
    case 'value':
      return !('defaultValue' in element && element.value !== element.defaultValue)
    case 'checked':
      return !(element.nodeName === 'INPUT' && element.checked !== element.defaultChecked)
    case 'selected':
      return !(element.nodeName === 'OPTION' && element.selected !== element.defaultSelected)
    case 'open':
      return !(element.nodeName === 'DETAILS' || element.nodeName === 'DIALOG')
    default:
      return true
  }
}
