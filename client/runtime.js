// Browser runtime of vite-plugin-ssr-hmr, loaded in every page that loads Vite's client (dev
// only). It tells the dev server which URL this tab shows and which server render it was
// served, answers the server's checks, and carries out the refresh the server decided:
//   'reload'  reload the page;
//   'morph'   morph the document in place to the page's new HTML (idiomorph), keeping
//             scroll, focus, typed text, open <details>/<dialog> and permanent subtrees;
//   'event'   nothing: frameworks re-fetch their own data on the `ssr-hmr:update` event.
// The page can override the configured strategy with <meta name="ssr-hmr" content="…">.
//
// A change that may have made this page stale first reaches the tab as `ssr-hmr:check`: the
// tab fetches its own URL (its cookies, its query) with the check's token; the server
// compares that render with the one the tab shows and answers with `ssr-hmr:update`, whose
// verdict says whether the page changed. An unchanged page is left alone; a morph uses the
// HTML the check fetched; a page that now answers with a server error shows it in Vite's
// overlay instead of being reloaded into it.
//
// Bursts (branch switch, save-all, codegen) reach a tab as several updates, each sent once the
// server has applied the edits so far. The first one refreshes at once; the ones the server
// marks as part of the same stream (`settling`) fold into one trailing refresh, `settleMs`
// after the last of them; a lone edit meanwhile brings it forward. A burst costs a tab at most
// two refreshes, and a lone edit is never delayed. Bursts are the server's to tell: a tab that
// heard nothing of a burst's start still folds the rest of it.

const PAGE_EVENT = 'ssr-hmr:page'
const CHECK_EVENT = 'ssr-hmr:check'
const UPDATE_EVENT = 'ssr-hmr:update'
const ERROR_EVENT = 'ssr-hmr:error'
const CHECK_HEADER = 'x-ssr-hmr-check'
const SERVER_TIMING_NAME = 'ssr-hmr'
const STRATEGIES = ['reload', 'morph', 'event']
// The plugin's options, filled in when it serves this file. `settleMs` is the longest gap
// between two updates of one burst: the server's batch quiet time plus its longest wait,
// plus room for a busy machine.
const CONFIG = { refresh: 'reload', settleMs: 530, overlay: true } // @ssr-hmr-config
const BURST_KEY = 'ssr-hmr:burst'
const PERMANENT = 'data-ssr-hmr-permanent'
const STYLESHEET_TIMEOUT_MS = 3000
// Past the server's own limit on a check: a verdict lost on the way must not leave the tab stale.
const VERDICT_TIMEOUT_MS = 15000
const ACCEPT_HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
const MAX_ERROR_TEXT = 4000
const FAILURE_OVERLAY = 'ssr-hmr-error-overlay'

let reportedUrl
let reloading = false
/**
 * Epoch ms of: the last update or refresh (`activeAt`), the last update (`updateAt`), and
 * this runtime's reload in progress (`reloadAt`).
 */
const burst = loadBurst()
let trailingRefresh = null
/** A check waiting for its burst to settle. */
let deferredCheck = null
/** The running morph, if any, and whether another update arrived while it ran. */
let morphing = null
let morphAgain = false
/** The check in flight: `{ token, url, controller, response, timer }`. */
let check = null
/** The error overlay this runtime shows: a server module that does not compile, a failing render. */
let shownError = null

function currentUrl() {
  return location.pathname + location.search
}

/** The render stamp the dev server put in a response's `Server-Timing`. */
function stampOf(timings) {
  const stamp = timings?.find((entry) => entry.name === SERVER_TIMING_NAME)?.description
  return stamp === undefined || stamp === '' ? undefined : Number(stamp)
}

/** The stamp of this document's render, if the dev server rendered it. */
function documentStamp() {
  return stampOf(performance.getEntriesByType?.('navigation')[0]?.serverTiming)
}

/** `ssr-hmr;desc="12", app;dur=3` → 12. */
function responseStamp(response) {
  const header = response.headers.get('server-timing') ?? ''
  const match = new RegExp(`(?:^|,)\\s*${SERVER_TIMING_NAME}\\s*;\\s*desc="?(\\d+)`).exec(header)
  return match ? Number(match[1]) : undefined
}

/** The server keys pages by path and query; a hash change is the same page. */
function reportPage() {
  const url = currentUrl()
  if (url === reportedUrl) return
  const first = reportedUrl === undefined
  reportedUrl = url
  import.meta.hot.send(PAGE_EVENT, first ? { url, render: documentStamp() } : { url })
}

/** The tab now shows render `render` of its page (after a morph, or the app's own update). */
function reportRender(render) {
  if (render !== undefined) import.meta.hot.send(PAGE_EVENT, { url: currentUrl(), render })
}

/** Client-side routers move with the history API; the server must follow the tab. */
function watchNavigation() {
  for (const method of ['pushState', 'replaceState']) {
    const original = history[method]
    history[method] = function (...args) {
      const result = original.apply(this, args)
      reportPage()
      return result
    }
  }
  addEventListener('popstate', reportPage)
}

function pageStrategy(serverStrategy) {
  const meta = document.querySelector('meta[name="ssr-hmr"]')?.getAttribute('content')?.trim()
  if (STRATEGIES.includes(meta)) return meta
  return STRATEGIES.includes(serverStrategy) ? serverStrategy : 'reload'
}

function loadBurst() {
  try {
    return JSON.parse(sessionStorage.getItem(BURST_KEY)) ?? {}
  } catch {
    return {}
  }
}

function saveBurst() {
  try {
    sessionStorage.setItem(BURST_KEY, JSON.stringify(burst))
  } catch {
    // Storage disabled: bursts are still folded within one page load.
  }
}

/**
 * Fetches this tab's URL as a reload would ask for it, with its cookies and without
 * following redirects, and reads what came back.
 */
async function fetchPage(url, { token, signal } = {}) {
  // Without a token the header still says the request is this runtime's: if the render fails,
  // Vite tells this tab (in the answer) rather than every tab.
  const headers = { accept: ACCEPT_HTML, [CHECK_HEADER]: token ?? 'refresh' }
  const response = await fetch(url, {
    credentials: 'same-origin',
    cache: 'no-store',
    redirect: 'manual',
    headers,
    signal,
  })
  const redirected =
    response.type === 'opaqueredirect' || response.redirected || (response.status >= 300 && response.status < 400)
  const isHtml = !!response.headers.get('content-type')?.includes('text/html')
  const text = redirected ? '' : await response.text()
  return { url, status: response.status, redirected, isHtml, text, render: responseStamp(response) }
}

/** A render the tab must not be reloaded into: a server error, or not a page at all. */
function failure(page) {
  if (page.redirected) return undefined
  if (page.status >= 500) return `answers ${page.status}`
  if (!page.isHtml) return `answers ${page.status} with no HTML`
  return undefined
}

/**
 * The server asks: does this page render differently now? The tab fetches it and the server
 * compares. While a burst of edits goes on (`settling`), the fetch waits for the burst to
 * settle and answers only the last check: one extra render per burst, on the final code.
 */
function onCheck(data) {
  const token = data?.token
  if (typeof token !== 'string') return
  if (noteBurstActivity(data.settling)) {
    clearTimeout(deferredCheck)
    deferredCheck = setTimeout(() => {
      deferredCheck = null
      startCheck(token)
    }, CONFIG.settleMs)
    return
  }
  clearTimeout(deferredCheck)
  deferredCheck = null
  startCheck(token)
}

/**
 * An update or check arrived: returns whether it belongs to a burst that is still going on,
 * so that acting on it should wait. The server says whether more is coming (`settling`): it
 * saw the whole stream of edits, while this tab may have heard nothing of its start (its page
 * did not depend on the first edit, or the tab was reloading), so its word holds however long
 * the tab was quiet. A lone edit is acted on at once. Only a server that does not say is
 * judged by this tab's memory of the burst.
 */
function noteBurstActivity(settling) {
  const now = Date.now()
  const remembered =
    trailingRefresh !== null || deferredCheck !== null || now - (burst.activeAt ?? -Infinity) < CONFIG.settleMs
  const inBurst = typeof settling === 'boolean' ? settling : remembered
  burst.activeAt = burst.updateAt = now
  saveBurst()
  return inBurst
}

function startCheck(token) {
  check?.controller.abort()
  const controller = new AbortController()
  const url = location.href
  const current = { token, url, controller }
  current.response = fetchPage(url, { token, signal: controller.signal }).catch((error) => ({ url, error }))
  // The verdict should follow the response at once; if it never comes, refresh anyway.
  current.response.then(() => {
    if (check !== current) return
    current.timer = setTimeout(() => {
      if (check !== current) return
      check = null
      console.warn('[ssr-hmr] no verdict from the dev server for this page, reloading')
      reload()
    }, VERDICT_TIMEOUT_MS)
  })
  check = current
}

/**
 * The response of the check `token`, if this tab made it and the server judged it. A check
 * the server gave up on (`unverified`) may still hang: it is dropped.
 */
async function takeCheck(token, verdict) {
  if (!token || check?.token !== token) return undefined
  const current = check
  check = null
  clearTimeout(current.timer)
  if (verdict === 'unverified') {
    current.controller.abort()
    return undefined
  }
  const response = await current.response
  clearTimeout(current.timer)
  return { ...response, errorShown: current.errorShown }
}

function onUpdate(payload) {
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
  clearTimeout(trailingRefresh)
  trailingRefresh = null
  log(payload, `${differently}, ${strategy === 'morph' ? 'morphing' : 'reloading'}`)
  refresh(strategy, page)
}

/** `[ssr-hmr] src/data/team.js changed: /about re-rendered differently, reloading`. */
function log(payload, what) {
  const files = payload?.files ?? {}
  const changed = [...(files.serverOnly ?? []), ...(files.watched ?? [])]
  const subject =
    changed.length === 0
      ? 'a refresh this tab missed'
      : `${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ` and ${changed.length - 3} more` : ''} changed`
  console.debug(`[ssr-hmr] ${subject}: ${currentUrl()} ${what}`)
}

/** `page`: this page's new render, when a check fetched it. */
function refresh(strategy, page) {
  burst.activeAt = Date.now()
  saveBurst()
  if (strategy === 'morph') return morphSoon(page)
  if (page) return reload()
  reloadUnlessFailing()
}

/** (Re)arms the trailing refresh of a burst. */
function refreshLater(strategy) {
  clearTimeout(trailingRefresh)
  trailingRefresh = setTimeout(() => {
    trailingRefresh = null
    refresh(strategy)
  }, CONFIG.settleMs)
}

/** Reloads, unless the page now fails to render: that is shown here instead. */
async function reloadUnlessFailing() {
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

function reload() {
  // Once a reload is under way, later updates are already covered by it.
  if (reloading) return
  reloading = true
  burst.reloadAt = Date.now()
  saveBurst()
  location.reload()
}

/**
 * The page now fails to render (a 500 from the framework, a text error page): reloading
 * would strand the tab on a document that cannot recover. Vite's overlay shows the error;
 * the next edit that makes the page render again refreshes the tab.
 */
function showFailure(payload, page, failed) {
  if (payload) log(payload, `${failed}, showing the error instead of reloading`)
  let body = page.text
  if (page.isHtml) body = new DOMParser().parseFromString(page.text, 'text/html').body?.textContent ?? ''
  body = body.trim().slice(0, MAX_ERROR_TEXT)
  const message = `[ssr-hmr] ${new URL(page.url).pathname} ${failed}${body ? `:\n\n${body}` : ''}`
  showError({ message, stack: '' })
}

/** Shows `err` (Vite's error payload shape) in the overlay, if the app has overlays on. */
function showError(err) {
  if (!err) return
  console.error(err.message)
  const Overlay = CONFIG.overlay !== false && failureOverlay()
  if (!Overlay) return
  clearShownError()
  shownError = new Overlay(err)
  document.body.appendChild(shownError)
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
function clearShownError() {
  shownError?.remove()
  shownError = null
}

/** At most one morph runs; updates that arrive meanwhile become a single follow-up morph. */
function morphSoon(page) {
  if (reloading) return
  if (morphing) {
    morphAgain = true
    return
  }
  morphing = (async () => {
    try {
      let next = page
      do {
        morphAgain = false
        await morphPage(next)
        next = undefined
      } while (morphAgain && !reloading)
    } catch (error) {
      console.warn(`[ssr-hmr] morph failed, reloading instead: ${error?.message ?? error}`)
      reload()
    } finally {
      morphing = null
    }
  })()
}

let idiomorph
function loadIdiomorph() {
  // Served by the plugin (not a bare import), so the app needs no dependency on idiomorph
  // and Vite's dependency optimizer never sees it (a late discovery would reload the page).
  idiomorph ??= import('virtual:ssr-hmr/idiomorph').then((module) => module.Idiomorph)
  return idiomorph
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
    morphAgain = true
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

if (import.meta.hot) {
  import.meta.hot.on(ERROR_EVENT, (data) => {
    // The error a check's render failed with comes before its verdict: it is what to show.
    if (check) check.errorShown = true
    showError(data?.err)
  })
  import.meta.hot.on(CHECK_EVENT, onCheck)
  import.meta.hot.on(UPDATE_EVENT, onUpdate)
  watchNavigation()
  reportPage()
  // This load may be our own reload (read once: a later manual reload is not). The burst
  // may still be going on, so it counts as activity. If an update reached the previous page
  // after the reload had started, the document we got may predate that edit: for a stamped
  // render the server knows (render epochs) and refreshes this tab itself; only a document
  // without a stamp ends the burst with one more refresh of its own.
  const reloadedAt = burst.reloadAt
  if (reloadedAt !== undefined) {
    delete burst.reloadAt
    burst.activeAt = Date.now()
    saveBurst()
    if (burst.updateAt > reloadedAt && documentStamp() === undefined) refreshLater(pageStrategy(CONFIG.refresh))
  }
  // Pages that morph fetch idiomorph ahead of the first edit.
  if (pageStrategy(CONFIG.refresh) === 'morph') loadIdiomorph().catch(() => {})
}
