// Browser runtime of vite-plugin-ssr-hmr, loaded in every page that loads Vite's client (dev
// only). It tells the dev server which URL this tab shows, and carries out the refresh the
// server decided for this tab when a server-only edit made its page stale:
//   'reload'  reload the page;
//   'morph'   fetch the page again and morph the document in place (idiomorph), keeping
//             scroll, focus, typed text, open <details>/<dialog> and permanent subtrees;
//   'event'   nothing: frameworks re-fetch their own data on the `ssr-hmr:update` event.
// The page can override the configured strategy with <meta name="ssr-hmr" content="…">.
//
// Bursts (branch switch, save-all, codegen) reach a tab as several updates, each sent once the
// server has applied the edits so far. The first one refreshes at once; while the server says
// the burst goes on (`settling`), updates that follow within `settleMs` of the previous one
// (or of that refresh) fold into one trailing refresh, which the update ending the burst
// brings forward. A burst costs a tab at most two refreshes, and a lone edit is never
// delayed. That memory survives this runtime's own reloads.

const PAGE_EVENT = 'ssr-hmr:page'
const SERVER_TIMING_NAME = 'ssr-hmr'
const UPDATE_EVENT = 'ssr-hmr:update'
const STRATEGIES = ['reload', 'morph', 'event']
// The plugin's options, filled in when it serves this file. `settleMs` is the longest gap
// between two updates of one burst: the server's batch quiet time plus its longest wait,
// plus room for a busy machine.
const CONFIG = { refresh: 'reload', settleMs: 530 } // @ssr-hmr-config
const BURST_KEY = 'ssr-hmr:burst'
const PERMANENT = 'data-ssr-hmr-permanent'
const STYLESHEET_TIMEOUT_MS = 3000

let reportedUrl
let reloading = false
/**
 * Epoch ms of: the last update or refresh (`activeAt`), the last update (`updateAt`), and
 * this runtime's reload in progress (`reloadAt`).
 */
const burst = loadBurst()
let trailingRefresh = null
/** The running morph, if any, and whether another update arrived while it ran. */
let morphing = null
let morphAgain = false

function currentUrl() {
  return location.pathname + location.search
}

/**
 * The stamp the dev server put on this document's render (`Server-Timing`), reported once
 * with the first report: if a refresh of this page went out while the tab was reloading,
 * the server sees that this render predates it.
 */
function renderedEpoch() {
  const timing = performance.getEntriesByType?.('navigation')[0]?.serverTiming
  const stamp = timing?.find((entry) => entry.name === SERVER_TIMING_NAME)?.description
  return stamp === undefined || stamp === '' ? undefined : Number(stamp)
}

/** The server keys pages by path and query; a hash change is the same page. */
function reportPage() {
  const url = currentUrl()
  if (url === reportedUrl) return
  const first = reportedUrl === undefined
  reportedUrl = url
  import.meta.hot.send(PAGE_EVENT, first ? { url, renderedEpoch: renderedEpoch() } : { url })
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

function onUpdate(payload) {
  // Vite calls every listener of this event in turn; acting in a microtask lets the app's
  // own listeners see the update before the page changes. Returning nothing matters too:
  // Vite handles HMR messages one at a time and would wait for a returned promise.
  queueMicrotask(() => {
    const strategy = pageStrategy(payload?.strategy)
    if (strategy === 'event') return
    const now = Date.now()
    // The server says whether the burst goes on (`settling`): only then do later updates fold
    // into the trailing refresh. The update that ends a burst, or a lone edit, refreshes now.
    const burstGoesOn = payload?.settling !== false
    const inBurst = burstGoesOn && (trailingRefresh !== null || now - (burst.activeAt ?? -Infinity) < CONFIG.settleMs)
    burst.activeAt = burst.updateAt = now
    saveBurst()
    if (inBurst) return refreshLater(strategy)
    clearTimeout(trailingRefresh)
    trailingRefresh = null
    refresh(strategy)
  })
}

function refresh(strategy) {
  burst.activeAt = Date.now()
  saveBurst()
  if (strategy === 'morph') morphSoon()
  else reload()
}

/** (Re)arms the trailing refresh of a burst. */
function refreshLater(strategy) {
  clearTimeout(trailingRefresh)
  trailingRefresh = setTimeout(() => {
    trailingRefresh = null
    refresh(strategy)
  }, CONFIG.settleMs)
}

function reload() {
  // Once a reload is under way, later updates are already covered by it.
  if (reloading) return
  reloading = true
  burst.reloadAt = Date.now()
  saveBurst()
  location.reload()
}

/** At most one morph runs; updates that arrive meanwhile become a single follow-up morph. */
function morphSoon() {
  if (reloading) return
  if (morphing) {
    morphAgain = true
    return
  }
  morphing = (async () => {
    try {
      do {
        morphAgain = false
        await morphPage()
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

async function morphPage() {
  const url = location.href
  // The tab's own URL, with its cookies, as a reload would ask for it.
  const [response, Idiomorph] = await Promise.all([
    fetch(url, { credentials: 'same-origin', cache: 'no-store', redirect: 'manual', headers: { accept: 'text/html' } }),
    loadIdiomorph(),
  ])
  if (response.type === 'opaqueredirect' || response.redirected) throw new Error('the page redirects')
  if (response.status >= 500 || response.status < 200 || (response.status >= 300 && response.status < 400)) {
    throw new Error(`the page answered ${response.status}`)
  }
  if (!response.headers.get('content-type')?.includes('text/html')) throw new Error('the page is not HTML')
  const html = await response.text()
  // A client-side navigation while fetching: this HTML is for a page the tab left.
  if (location.href !== url) {
    morphAgain = true
    return
  }
  // DOMParser marks its scripts as already run, so nodes cloned from it never execute.
  const next = new DOMParser().parseFromString(html, 'text/html')
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
      return !(('defaultValue' in element) && element.value !== element.defaultValue)
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
    if (burst.updateAt > reloadedAt && renderedEpoch() === undefined) refreshLater(pageStrategy(CONFIG.refresh))
  }
  // Pages that morph fetch idiomorph ahead of the first edit.
  if (pageStrategy(CONFIG.refresh) === 'morph') loadIdiomorph().catch(() => {})
}
