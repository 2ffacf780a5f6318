// Two Chromium tabs on a framework app (A on /about, B on /), observed the same way with and
// without the plugin. Per tab it records every main-frame document load (status, content type,
// whether it loaded Vite's client), every HMR payload the browser received, every error overlay
// shown, the other requests the page made (data requests, manifests), and a `window` marker
// that only survives if the document was never replaced. Nothing is timed: a scenario ends when
// both tabs have been quiet for a while (`settle`), and the observations are counts and states.

import { hmrMessageOf } from '../helpers/browser.js'
import { sleep, waitUntil } from '../helpers/wait.js'
import { ROUTES } from './apps.js'

/** A scenario is over once neither tab did anything (request, payload, overlay) for this long. */
const QUIET_MS = 1500
/** ...and at least this long after the last edit: time for a refresh decided after a debounce. */
const MIN_WAIT_MS = 1500
/** A scenario that never goes quiet is cut here (and says so in its observations). */
const MAX_WAIT_MS = 30_000
/**
 * A request still in flight this long is a stream the page keeps open (an event source, a
 * long poll), not work the page waits for: it no longer keeps the tabs from being quiet.
 */
const STREAM_MS = 10_000
/** A tab that has not connected to the HMR websocket (or reported its page) by now never will. */
const TAB_READY_MS = 30_000
const MARKER = '__ssrHmrFrameworksMarker'
/** What `makeState` types. */
const TYPED = 'typed before the edit'
const VITE_CLIENT_PATH = /^(?:\/[^?#]*)?\/@vite\/client(?:[?#]|$)/

/**
 * One ordering of everything both tabs saw, when anything last happened, and the requests still
 * in flight, by when each started. A tab with one in flight is not quiet: a page updating in
 * place waits for its data, and Vite's update waits for the modules it re-imports, which a
 * loaded machine can take longer than QUIET_MS to transform.
 */
function createClock() {
  let seq = 0
  const inFlight = new Map()
  return {
    lastActivity: Date.now(),
    next() {
      this.lastActivity = Date.now()
      return ++seq
    },
    get seq() {
      return seq
    },
    started(request) {
      inFlight.set(request, Date.now())
    },
    ended(request) {
      inFlight.delete(request)
    },
    /** Whether a request the page waits for is in flight (see STREAM_MS). */
    busy(now) {
      for (const startedAt of inFlight.values()) if (now - startedAt < STREAM_MS) return true
      return false
    },
  }
}

/**
 * Two tabs in one browser window (one context, as a user has them): A on /about, B on /.
 * `expectRuntime`: the plugin is in the config, so a tab is ready once its runtime has told
 * the server which page it shows.
 */
export async function openTabs(browser, origin, { expectRuntime }) {
  const context = await browser.newContext()
  const clock = createClock()
  const tabsByPage = new Map()
  await context.exposeBinding('__ssrHmrFrameworksOverlay', ({ page }, message) => {
    const tab = tabsByPage.get(page)
    if (tab) tab.overlays.push({ seq: clock.next(), document: tab.documents.length - 1, message })
  })
  await context.addInitScript(() => {
    const seen = new WeakSet()
    new MutationObserver(() => {
      const overlay = document.querySelector('vite-error-overlay, ssr-hmr-error-overlay')
      if (!overlay || seen.has(overlay)) return
      seen.add(overlay)
      const message = overlay.shadowRoot?.querySelector('.message-body')?.textContent ?? ''
      window.__ssrHmrFrameworksOverlay?.(message.slice(0, 300))
    }).observe(document, { childList: true, subtree: true })
  })
  const open = async (name, route) => {
    const page = await context.newPage()
    const tab = createTabRecord(page, name, route, origin, clock)
    tabsByPage.set(page, tab)
    await tab.load({ expectRuntime })
    return tab
  }
  // One after the other: the second tab's load is not a reaction to anything.
  const A = await open('A', ROUTES.A)
  const B = await open('B', ROUTES.B)
  return { A, B, tabs: [A, B], clock, close: () => context.close() }
}

function pathOf(url) {
  const parsed = new URL(url)
  return parsed.pathname + parsed.search
}

function createTabRecord(page, name, route, origin, clock) {
  const tab = {
    name,
    route,
    page,
    /** Main-frame document loads: { seq, path, status, contentType, viteClient, byHarness } */
    documents: [],
    /**
     * HMR payloads received, in order: { seq, document, payload, receivedAt } (pings left
     * out). `receivedAt` only tells bursts apart (`decisionsAbout`), it is never asserted on.
     */
    payloads: [],
    /** Messages this tab's runtime sent (ssr-hmr:page reports): { seq, document, payload } */
    sent: [],
    /** Other same-origin requests: { seq, document, path, resourceType, status, contentType } */
    requests: [],
    /** Error overlays that appeared: { seq, document, message } */
    overlays: [],
    errors: [],
    nextLoadByHarness: false,
  }
  const documentOf = new Map()
  const requestOf = new Map()
  page.on('request', (request) => {
    const seq = clock.next()
    const url = request.url()
    if (!url.startsWith(origin)) return
    clock.started(request)
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      const doc = {
        seq,
        path: pathOf(url),
        status: undefined,
        contentType: undefined,
        viteClient: false,
        loaded: false,
        byHarness: tab.nextLoadByHarness,
      }
      tab.nextLoadByHarness = false
      tab.documents.push(doc)
      documentOf.set(request, doc)
      return
    }
    const requestPath = pathOf(url)
    const current = tab.documents.at(-1)
    // Under the client's base, if the app has one (vinxi serves the browser's modules from `/_build`).
    if (current && VITE_CLIENT_PATH.test(requestPath)) current.viteClient = true
    const entry = {
      seq,
      document: tab.documents.length - 1,
      path: requestPath,
      resourceType: request.resourceType(),
      status: undefined,
      contentType: undefined,
    }
    tab.requests.push(entry)
    requestOf.set(request, entry)
  })
  for (const event of ['requestfinished', 'requestfailed']) {
    page.on(event, (request) => {
      clock.next()
      clock.ended(request)
    })
  }
  page.on('response', (response) => {
    clock.next()
    const entry = documentOf.get(response.request()) ?? requestOf.get(response.request())
    if (!entry) return
    entry.status = response.status()
    entry.contentType = response.headers()['content-type']
  })
  // A document "landed" once its load event fired (a reload superseded before that never showed).
  page.on('load', () => {
    clock.next()
    const current = tab.documents.at(-1)
    if (current) current.loaded = true
  })
  page.on('websocket', (socket) => {
    const document = tab.documents.length - 1
    socket.on('framereceived', ({ payload }) => {
      const message = hmrMessageOf(payload)
      if (!message || message.type === 'ping') return
      tab.payloads.push({ seq: clock.next(), document, payload: message, receivedAt: Date.now() })
    })
    socket.on('framesent', ({ payload }) => {
      if (!String(payload).includes('ssr-hmr:')) return
      const message = hmrMessageOf(payload)
      if (!message) return
      tab.sent.push({ seq: clock.next(), document, payload: message })
    })
  })
  page.on('pageerror', (error) => tab.errors.push(String(error).slice(0, 300)))

  /** Loads the tab's route (a load the harness makes: not counted as a refresh). */
  tab.load = async ({ expectRuntime }) => {
    tab.nextLoadByHarness = true
    const documents = tab.documents.length
    await page.goto(origin + route, { waitUntil: 'load' })
    const document = tab.documents.length - 1
    if (document < documents) throw new Error(`tab ${name}: no document load for ${route}`)
    // A later document counts too: Vite's dependency optimizer may reload a page it just served.
    await waitUntil(
      () => tab.payloads.some((p) => p.document >= document && p.payload.type === 'connected'),
      `tab ${name} (${route}) to connect to Vite's HMR websocket`,
      { timeout: TAB_READY_MS },
    )
    if (expectRuntime)
      await waitUntil(
        () => tab.sent.some((s) => s.document >= document && s.payload.event === 'ssr-hmr:page'),
        `tab ${name} (${route}) to report its page`,
        { timeout: TAB_READY_MS },
      )
    // Hydration and every module the page loads: a tab is "open" once it stopped loading.
    await page.waitForLoadState('networkidle')
    await page.evaluate((marker) => (window[marker] = 'kept'), MARKER)
  }
  /**
   * Gives the page state of its own where it has the elements for it (an input `#typed`, a
   * counter button `#count`): types into the input and clicks the counter three times, as a
   * user would. Returns that state, or undefined on a page without them.
   */
  tab.makeState = async () => {
    if (!(await page.$('#typed')) || !(await page.$('#count'))) return undefined
    await page.fill('#typed', TYPED)
    for (let click = 0; click < 3; click++) await page.click('#count')
    return tab.pageState()
  }
  /** The page's own state now (see `makeState`). */
  tab.pageState = () =>
    tab.evaluate(() => ({
      typed: document.querySelector('#typed')?.value ?? null,
      count: document.querySelector('#count')?.textContent?.trim() ?? null,
    }))
  tab.text = async (selector) => {
    const text = await tab.evaluate((selector) => document.querySelector(selector)?.textContent ?? null, selector)
    return typeof text === 'string' ? text.trim() : null
  }
  tab.evaluate = async (fn, arg) => {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        return await page.evaluate(fn, arg)
      } catch {
        await sleep(100)
      }
    }
    return undefined
  }
  return tab
}

/** A request a page's own code makes (its data, its checks), not a module or a document. */
function isDataRequest(entry) {
  return entry.resourceType === 'fetch' || entry.resourceType === 'xhr'
}

/** Waits until both tabs have been quiet (see QUIET_MS); returns whether they went quiet. */
export async function settle(clock, { since = Date.now() } = {}) {
  for (;;) {
    await sleep(100)
    const now = Date.now()
    if (now - since >= MIN_WAIT_MS && now - clock.lastActivity >= QUIET_MS && !clock.busy(now)) return true
    if (now - since > MAX_WAIT_MS) return false
  }
}

/**
 * A document that showed (its load event fired) and is no working page of the app: a 5xx, not
 * HTML, or without Vite's client (such a tab can never be refreshed again by an edit).
 */
export function isErrorDocument(doc) {
  return doc.loaded && (!(doc.status < 500) || !String(doc.contentType).includes('text/html') || !doc.viteClient)
}

/** A payload as one short word for tables and messages: `full-reload`, `update /src/client.js`, `ssr-hmr:update`… */
export function describePayload(payload) {
  switch (payload.type) {
    case 'custom':
      return payload.event
    case 'update':
      return `update ${payload.updates.map((update) => update.path).join(',')}`
    case 'full-reload':
      return payload.path && payload.path !== '*' ? `full-reload ${payload.path}` : 'full-reload'
    case 'error':
      return 'error'
    default:
      return payload.type
  }
}

/** The plugin's decisions about `tab` after `since` (checks, and updates that answer none): when each arrived, `{ at }`. */
export function decisionsAbout(tab, since) {
  const isDecision = ({ type, event, data }) =>
    type === 'custom' && (event === 'ssr-hmr:check' || (event === 'ssr-hmr:update' && !data?.check))
  return tab.payloads
    .filter((entry) => entry.seq > since && isDecision(entry.payload))
    .map((entry) => ({ at: entry.receivedAt }))
}

/** What one tab did from clock position `since` on. */
export async function observeTab(tab, since, { selectors = ['#data', '#shared'] } = {}) {
  const after = (entry) => entry.seq > since
  const texts = {}
  for (const selector of selectors) texts[selector] = await tab.text(selector)
  const loads = tab.documents.filter((doc) => after(doc) && !doc.byHarness)
  return {
    loads: loads.length,
    documents: loads.map(({ path, status, contentType, viteClient, loaded }) => ({
      path,
      status,
      contentType,
      viteClient,
      loaded,
    })),
    texts,
    marker: (await tab.evaluate((marker) => window[marker] ?? null, MARKER)) === 'kept',
    /** The loaders the page ran in the browser, by route, where the app counts them (`app.loaderRuns`). */
    loaderRuns: (await tab.evaluate(() => window.__loaderRuns ?? null)) ?? null,
    overlayShownNow:
      (await tab.evaluate(() => !!document.querySelector('vite-error-overlay, ssr-hmr-error-overlay'))) === true,
    overlays: tab.overlays.filter(after).map(({ message }) => message),
    payloads: tab.payloads.filter(after).map(({ payload }) => describePayload(payload)),
    updatePayloads: tab.payloads
      .filter(after)
      .filter(({ payload }) => payload.type === 'custom' && payload.event === 'ssr-hmr:update')
      .map(({ payload }) => payload.data),
    requests: tab.requests
      .filter(after)
      .filter(isDataRequest)
      .map(({ path, status, contentType }) => ({ path, status, contentType })),
    errors: tab.errors.slice(),
  }
}
