// The framework harness: a real framework app's dev server started as a user starts it (its own
// CLI, in its own process, on a free port; the HMR websocket shares that port, so servers never
// collide on Vite's default 24678), two Chromium tabs (A on /about, B on /), and the scenarios
// of issue #11, each observed the same way with and without the plugin:
//
//   serverOnly   an edit of /about's server-only data module
//   shared       an edit of the shared component (server and browser render it)
//   syntaxError  a syntax error in /about's data module, then its fix
//   runtimeError /about's data module throws when evaluated (a render that fails at run
//                time), then its fix
//   burst        ten edits of /about's data module, 30 ms apart
//
// Per tab it records every main-frame document load (status, content type, whether it loaded
// Vite's client), every HMR payload the browser received, every error overlay shown, the other
// requests the page made (data requests, manifests), and a `window` marker that only survives
// if the document was never replaced. Nothing is timed: a scenario ends when both tabs have
// been quiet for a while, and the observations are counts and states.

import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs'
import { createServer } from 'node:net'
import path from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { launchChromium } from '../helpers/browser.js'
import { burstsSeenBy, writeBurst } from '../helpers/burst.js'
import { APPS, ROUTES } from './apps.js'
import { copyApp, WORK_DIR } from './install.js'

export { APPS, ROUTES }
export const POSITIONS = ['none', 'after', 'before']
export const SCENARIOS = ['serverOnly', 'shared', 'syntaxError', 'runtimeError', 'burst']
export const RESULTS_DIR = path.join(WORK_DIR, 'results')

/** A scenario is over once neither tab did anything (request, payload, overlay) for this long. */
const QUIET_MS = 1500
/** ...and at least this long after the last edit: time for a refresh decided after a debounce. */
const MIN_WAIT_MS = 1500
/** A scenario that never goes quiet is cut here (and says so in its observations). */
const MAX_WAIT_MS = 30_000
const BURST_EDITS = 10
const BURST_GAP_MS = 30
const MARKER = '__ssrHmrFrameworksMarker'
const VITE_CLIENT_PATH = /^(?:\/[^?#]*)?\/@vite\/client(?:[?#]|$)/

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** A port nothing listens on now (the dev server takes it a moment later). */
async function freePort() {
  const server = createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * What a user's shell would pass: the test runner's own variables (NODE_ENV=test, VITEST…)
 * are not the user's. Wrangler's documented switches keep Miniflare from calling out to the
 * network for `Request.cf` (this machine has none).
 */
function userEnvironment(position) {
  const env = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'NODE_ENV' || key.startsWith('VITEST') || key === 'TEST' || key === 'NODE_OPTIONS') continue
    env[key] = value
  }
  return {
    ...env,
    SSR_HMR_POSITION: position,
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    BROWSER: 'none',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    WRANGLER_SEND_METRICS: 'false',
    // Astro sends usage data on exit unless told not to; the machine has no network for it.
    ASTRO_TELEMETRY_DISABLED: '1',
  }
}

/**
 * Starts the dev server of a copy of `appName` (from copyApp) with the plugin at `position`.
 * Its output goes to a log file outside the app's root, and into `logs` (lines, in order).
 */
export async function startDevServer(copy, position) {
  const app = APPS[copy.app]
  const port = await freePort()
  mkdirSync(path.join(WORK_DIR, 'logs'), { recursive: true })
  const logFile = path.join(WORK_DIR, 'logs', `${path.basename(copy.root)}-${position}.log`)
  const logStream = createWriteStream(logFile)
  const child = spawn(process.execPath, app.command(port), {
    cwd: copy.root,
    env: userEnvironment(position),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs = []
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  let onLine = () => {}
  for (const stream of [child.stdout, child.stderr]) {
    let pending = ''
    stream.setEncoding('utf8')
    stream.on('data', (chunk) => {
      logStream.write(chunk)
      pending += chunk
      const lines = pending.split('\n')
      pending = lines.pop()
      for (const line of lines) {
        logs.push(stripVTControlCharacters(line))
        onLine(stripVTControlCharacters(line))
      }
    })
  }
  const origin = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${app.name} (${position}): no dev server URL within 90 s; output:\n${logs.join('\n')}`)),
      90_000,
    )
    const check = (line) => {
      const match = /Local:?\s+(http:\/\/[^\s/]+)/.exec(line)
      if (!match) return
      clearTimeout(timer)
      resolve(match[1])
    }
    onLine = check
    logs.forEach(check)
    exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(
        new Error(
          `${app.name} (${position}): the dev server exited (${code ?? signal}) before listening; output:\n${logs.join('\n')}`,
        ),
      )
    })
  })
  onLine = () => {}
  await sleep(app.startupMs)
  return {
    origin,
    logs,
    logFile,
    child,
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        // The server's whole process group: Miniflare's workerd and Nitro's worker with it.
        try {
          process.kill(-child.pid, 'SIGTERM')
        } catch {}
        const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])
        if (!done) {
          try {
            process.kill(-child.pid, 'SIGKILL')
          } catch {}
          await exited
        }
      }
      await new Promise((resolve) => logStream.end(resolve))
    },
  }
}

/** One ordering of everything both tabs saw, and when anything last happened. */
function createClock() {
  let seq = 0
  return {
    lastActivity: Date.now(),
    next() {
      this.lastActivity = Date.now()
      return ++seq
    },
    get seq() {
      return seq
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
      let message
      try {
        message = JSON.parse(String(payload))
      } catch {
        return
      }
      if (message.type === 'ping') return
      tab.payloads.push({ seq: clock.next(), document, payload: message, receivedAt: Date.now() })
    })
    socket.on('framesent', ({ payload }) => {
      if (!String(payload).includes('ssr-hmr:')) return
      let message
      try {
        message = JSON.parse(String(payload))
      } catch {
        return
      }
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
    await waitFor(
      () => tab.payloads.some((p) => p.document >= document && p.payload.type === 'connected'),
      `tab ${name} (${route}) to connect to Vite's HMR websocket`,
    )
    if (expectRuntime)
      await waitFor(
        () => tab.sent.some((s) => s.document >= document && s.payload.event === 'ssr-hmr:page'),
        `tab ${name} (${route}) to report its page`,
      )
    // Hydration and every module the page loads: a tab is "open" once it stopped loading.
    await page.waitForLoadState('networkidle')
    await page.evaluate((marker) => (window[marker] = 'kept'), MARKER)
  }
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

async function waitFor(condition, what, timeout = 30_000) {
  const deadline = Date.now() + timeout
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

/** Waits until both tabs have been quiet (see QUIET_MS); returns whether they went quiet. */
async function settle(clock, { since = Date.now() } = {}) {
  for (;;) {
    await sleep(100)
    const now = Date.now()
    if (now - since >= MIN_WAIT_MS && now - clock.lastActivity >= QUIET_MS) return true
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
function decisionsAbout(tab, since) {
  const isDecision = ({ type, event, data }) =>
    type === 'custom' && (event === 'ssr-hmr:check' || (event === 'ssr-hmr:update' && !data?.check))
  return tab.payloads
    .filter((entry) => entry.seq > since && isDecision(entry.payload))
    .map((entry) => ({ at: entry.receivedAt }))
}

/** What one tab did from clock position `since` on. */
async function observeTab(tab, since, { selectors = ['#data', '#shared'] } = {}) {
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
      .filter((request) => request.resourceType === 'fetch' || request.resourceType === 'xhr')
      .map(({ path, status, contentType }) => ({ path, status, contentType })),
    errors: tab.errors.slice(),
  }
}

/** The log lines the dev server printed from `since` (an index into its logs) on. */
const logSince = (dev, since) => dev.logs.slice(since).filter((line) => line.trim() !== '')

/**
 * Runs every scenario against one running dev server, each in two new tabs, in order, and
 * returns what each tab did. A scenario that throws is recorded with its error; the next one
 * still runs.
 */
export async function runScenarios({ app, copy, dev, browser, position, scenarios = SCENARIOS }) {
  const results = {}
  for (const scenario of scenarios) {
    const tabs = await openTabs(browser, dev.origin, { expectRuntime: position !== 'none' })
    try {
      results[scenario] = await SCENARIO_STEPS[scenario]({ app, copy, dev, tabs })
    } catch (error) {
      results[scenario] = { error: String(error?.stack ?? error) }
    } finally {
      await tabs.close()
    }
  }
  return results
}

/** Fetches a route as a browser's next document request would: the server's current output. */
async function fetchDocument(origin, route) {
  const response = await fetch(origin + route, { headers: { accept: 'text/html' } })
  return { status: response.status, contentType: response.headers.get('content-type'), html: await response.text() }
}

/** Breaks /about's data module with `broken` (a source), observes, then fixes it with `token`. */
async function errorThenFix({ app, copy, dev, tabs }, broken, token) {
  const { A, B, clock } = tabs
  const before = { A: await A.text('#data'), B: await B.text('#data') }
  const since = clock.seq
  const logs = dev.logs.length
  let started = Date.now()
  copy.write(app.data.A.file, broken)
  const quietBroken = await settle(clock, { since: started })
  const brokenA = await observeTab(A, since)
  const brokenB = await observeTab(B, since)
  const brokenLogs = logSince(dev, logs)
  const sinceFix = clock.seq
  const logsFix = dev.logs.length
  started = Date.now()
  copy.write(app.data.A.file, app.data.A.write(token))
  const quietFixed = await settle(clock, { since: started })
  const fixedA = await observeTab(A, sinceFix)
  const fixedB = await observeTab(B, sinceFix)
  return {
    expected: { A: `about ${token}`, B: before.B },
    broken: {
      quiet: quietBroken,
      A: { ...brokenA, overlay: brokenA.overlayShownNow, landedOnError: brokenA.documents.some(isErrorDocument) },
      B: { ...brokenB, unchanged: brokenB.texts['#data'] === before.B },
      logs: brokenLogs,
    },
    fixed: {
      quiet: quietFixed,
      A: {
        ...fixedA,
        fresh: fixedA.texts['#data'] === `about ${token}`,
        landedOnError: fixedA.documents.some(isErrorDocument),
      },
      B: { ...fixedB, unchanged: fixedB.texts['#data'] === before.B },
      logs: logSince(dev, logsFix),
    },
  }
}

const SCENARIO_STEPS = {
  async serverOnly({ app, copy, dev, tabs }) {
    const { A, B, clock } = tabs
    const before = { A: await A.text('#data'), B: await B.text('#data') }
    const since = clock.seq
    const logs = dev.logs.length
    const token = 'server-only-1'
    const started = Date.now()
    copy.write(app.data.A.file, app.data.A.write(token))
    const quiet = await settle(clock, { since: started })
    const A1 = await observeTab(A, since)
    const B1 = await observeTab(B, since)
    return {
      expected: { A: `about ${token}`, B: before.B },
      quiet,
      A: { ...A1, fresh: A1.texts['#data'] === `about ${token}` },
      B: { ...B1, fresh: B1.texts['#data'] === before.B, unchanged: B1.texts['#data'] === before.B },
      before,
      logs: logSince(dev, logs),
    }
  },

  async shared({ app, copy, dev, tabs }) {
    const { A, B, clock } = tabs
    const since = clock.seq
    const logs = dev.logs.length
    const token = 'shared-2'
    const started = Date.now()
    copy.write(app.shared.file, app.shared.edit(copy.read(app.shared.file), token))
    const quiet = await settle(clock, { since: started })
    const A1 = await observeTab(A, since)
    const B1 = await observeTab(B, since)
    // The next server render of each route (observed after the tabs, so it cannot steer them).
    const ssr = { A: await fetchDocument(dev.origin, ROUTES.A), B: await fetchDocument(dev.origin, ROUTES.B) }
    const expected = `shared ${token}`
    return {
      expected: { shared: expected },
      quiet,
      A: {
        ...A1,
        fresh: A1.texts['#shared'] === expected,
        ssrFresh: ssr.A.html.includes(expected),
        ssrStatus: ssr.A.status,
      },
      B: {
        ...B1,
        fresh: B1.texts['#shared'] === expected,
        ssrFresh: ssr.B.html.includes(expected),
        ssrStatus: ssr.B.status,
      },
      logs: logSince(dev, logs),
    }
  },

  syntaxError: (context) => errorThenFix(context, context.app.data.A.broken('broken-3'), 'fixed-3'),
  runtimeError: (context) => errorThenFix(context, context.app.data.A.throwing('thrown-4'), 'recovered-4'),

  async burst({ app, copy, dev, tabs }) {
    const { A, B, clock } = tabs
    const before = { A: await A.text('#data'), B: await B.text('#data') }
    const since = clock.seq
    const logs = dev.logs.length
    const written = await writeBurst(BURST_EDITS, BURST_GAP_MS, (i) =>
      copy.write(app.data.A.file, app.data.A.write(`burst-${i + 1}`)),
    )
    const quiet = await settle(clock, { since: Date.now() })
    const A1 = await observeTab(A, since)
    const B1 = await observeTab(B, since)
    const expected = `about burst-${BURST_EDITS}`
    // The server's own render now (after the tabs): a stale tab on a fresh server is the
    // browser's race, a stale server is the module runner's.
    const ssr = await fetchDocument(dev.origin, ROUTES.A)
    return {
      expected: { A: expected, B: before.B },
      quiet,
      // How many bursts these edits were: one, unless the writer or the dev server was held
      // up past the batcher's stream gap or the runtime's settle window (helpers/burst.js).
      written: written.note,
      bursts: burstsSeenBy(decisionsAbout(A, since), written),
      A: { ...A1, fresh: A1.texts['#data'] === expected, ssrFresh: ssr.html.includes(expected) },
      B: { ...B1, unchanged: B1.texts['#data'] === before.B },
      logs: logSince(dev, logs),
    }
  },
}

/**
 * Everything for one app at one plugin position: a fresh copy, its dev server, every scenario.
 * The results are also written (JSON) under RESULTS_DIR for the observed table.
 */
export async function observeApp(appName, position, { browser, scenarios } = {}) {
  const app = APPS[appName]
  const copy = await copyApp(appName)
  const ownBrowser = !browser
  browser ??= await launchChromium()
  let dev
  try {
    dev = await startDevServer(copy, position)
    const results = await runScenarios({ app, copy, dev, browser, position, scenarios })
    const observed = { app: appName, label: app.label, position, install: copy.install, results, logFile: dev.logFile }
    mkdirSync(RESULTS_DIR, { recursive: true })
    writeFileSync(path.join(RESULTS_DIR, `${appName}-${position}.json`), JSON.stringify(observed, null, 2))
    return observed
  } finally {
    await dev?.close()
    if (ownBrowser) await browser.close()
    copy.remove()
  }
}
