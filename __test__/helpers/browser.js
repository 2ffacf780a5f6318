// A real browser for the browser tests: Debian's headless Chromium driven by playwright-core
// (never `playwright install`). Launch once per test file; every tab records what a test
// needs to tell a reload from a morph from nothing at all, without timing anything.

import { chromium } from 'playwright-core'
import { waitUntil } from './wait.js'

// Without the background-networking flags Chromium keeps calling out, and this machine's
// closed network refuses every call.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Debian's Chromium, headless, as the tests and the bench run it. */
export function launchChromium() {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS })
}

export async function launchBrowser() {
  const browser = await launchChromium()
  const tabs = []
  return {
    browser,
    /**
     * Opens `url` of a dev server (from startViteDevServer) in a new tab, and resolves once the
     * plugin's runtime in that tab has told the server which page it shows.
     */
    async open(dev, url, { context } = {}) {
      const tab = await openTab(browser, dev, url, context)
      tabs.push(tab)
      return tab
    },
    /** Closes every tab opened so far (between tests). */
    async closeTabs() {
      for (const tab of tabs.splice(0)) await tab.close()
    },
    close: () => browser.close(),
  }
}

/**
 * The server side of "this tab told the server its page": a listener on the same custom
 * event, registered after the plugin's own, so when it runs the plugin has handled it.
 */
const reportsByServer = new WeakMap()
function pageReports(dev) {
  let reports = reportsByServer.get(dev.server)
  if (!reports) {
    reports = []
    dev.server.ws.on('ssr-hmr:page', (data) => reports.push(data?.url))
    reportsByServer.set(dev.server, reports)
  }
  return reports
}

/**
 * @param {{ origin: string, server?: import('vite').ViteDevServer }} dev a server from
 *   startViteDevServer, or the origin of one in another process: then the tab's own frames say
 *   when it reported its page (sent, not yet handled: allow the server a moment).
 */
async function openTab(browser, dev, url, context) {
  const reports = dev.server ? pageReports(dev) : []
  const ownContext = !context
  context ??= await browser.newContext()
  const page = await context.newPage()
  const pageUrl = (path) => dev.origin + path
  const record = {
    /** Main-frame document requests: the first load, then one per reload or navigation. */
    documents: [],
    /** Requests for a page's own URL made by script (a morph's fetch). */
    pageFetches: [],
    /** ssr-hmr:update payloads this tab received on its websockets, over every reload. */
    updates: [],
    /** Other HMR payload types received (`full-reload`, `update`, …). */
    payloads: [],
    /** Uncaught errors and failed responses (the favicon aside). */
    errors: [],
    /** What happened when, in ms since the tab opened: for failure messages, never asserted. */
    timeline: [],
    /**
     * Each decision about this tab, `{ at, settling }` (`at` in ms since the tab opened): an
     * `ssr-hmr:check`, or an `ssr-hmr:update` that answers no check. A verdict's time is the
     * tab's own doing (it may hold its check back until a burst settles), so verdicts are not
     * in it.
     */
    decisions: [],
    /** The page's console lines, over every reload. */
    console: [],
  }
  const opened = Date.now()
  const note = (what) => record.timeline.push(`${Date.now() - opened} ${what}`)
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      record.documents.push(request.url())
      note(`document ${request.url()}`)
    } else if (
      request.resourceType() === 'fetch' &&
      request.url().startsWith(dev.origin) &&
      !new URL(request.url()).pathname.startsWith('/@')
    ) {
      record.pageFetches.push(request.url())
    }
  })
  page.on('websocket', (socket) => {
    note('websocket')
    socket.on('framesent', ({ payload }) => {
      if (!String(payload).includes('ssr-hmr:page')) return
      note('reported its page')
      if (!dev.server) reports.push(JSON.parse(String(payload)).data?.url)
    })
    socket.on('framereceived', ({ payload }) => {
      const message = hmrMessageOf(payload)
      if (!message) return
      const isCustom = message.type === 'custom'
      const isDecision =
        isCustom && (message.event === 'ssr-hmr:check' || (message.event === 'ssr-hmr:update' && !message.data?.check))
      if (isDecision) record.decisions.push({ at: Date.now() - opened, settling: message.data?.settling === true })
      if (isCustom && message.event === 'ssr-hmr:update') record.updates.push(message.data)
      else if (message.type !== 'connected' && message.type !== 'ping') record.payloads.push(message)
      if (message.type !== 'ping') note(message.event ?? message.type)
    })
  })
  page.on('pageerror', (error) => record.errors.push(String(error)))
  page.on('console', (message) => record.console.push(message.text()))
  page.on('response', (response) => {
    if (response.status() >= 400 && !response.url().endsWith('/favicon.ico'))
      record.errors.push(`${response.status()} ${response.url()}`)
  })

  const tab = {
    page,
    record,
    /** Navigates (a real document load) and waits until the server knows the new page. */
    async goto(path) {
      const before = reports.length
      await page.goto(pageUrl(path))
      await waitUntil(() => reports.slice(before).includes(path), `the tab to report ${path}`)
    },
    /** Waits until the tab reported `path` again (after a reload or a client navigation). */
    async reported(path, since) {
      await waitUntil(() => reports.slice(since).includes(path), `the tab to report ${path}`)
    },
    reportCount: () => reports.length,
    text: (selector) => page.textContent(selector),
    /** Polls until `selector`'s text contains `expected`; returns the text. */
    async waitForText(selector, expected) {
      await page.waitForFunction(
        ([selector, expected]) => document.querySelector(selector)?.textContent?.includes(expected),
        [selector, expected],
        { polling: 20, timeout: 15_000 },
      )
      return page.textContent(selector)
    },
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    async close() {
      if (ownContext) await context.close()
      else await page.close()
    },
  }
  await tab.goto(url)
  return tab
}

/** An HMR websocket frame's message, or undefined for a frame that is not JSON. */
export function hmrMessageOf(payload) {
  try {
    return JSON.parse(String(payload))
  } catch {
    return undefined
  }
}
