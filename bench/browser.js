// Section 3: what a user sees, in headless Chromium. From the file write to the new server
// output on screen, for the docs recipe (full reload), `ssrHmr({ refresh: 'reload' })` (reload
// of the affected tabs), `ssrHmr({ refresh: 'morph' })`, `ssrHmr()` on the app as it is (the
// default, 'auto': no framework part applies, so the three-way patch) and `ssrHmr()` in place
// through a framework (the same app with a tiny client router that 'auto' updates through);
// refreshes for a burst of 50 edits 30 ms apart;
// tabs disturbed when 4 tabs show 4 routes and one route's data changes, in an app that
// imports its routes lazily and in one whose route table imports every route statically.
//
// A tab is disturbed when its document is replaced (a navigation) or its content changes in
// place (a morph). The page fetches our runtime makes to check a candidate tab's output are
// neither: they are counted apart, as the server renders the exact targeting costs.
//
// "New text" is the first moment the edited value is in the DOM; "ready" is when the page is
// usable again: the new text is there and the client entry (a few hundred modules, their CSS
// injected by JS as Vite does in dev) has run in that document. A morph keeps the document,
// so for it both are the same moment.

import { performance } from 'node:perf_hooks'
import { ssrHmr } from '../index.js'
import { generateApp } from './app-gen.js'
import { docsRecipeHmrReload } from './docs-recipe.js'
import { removeApp, serveApp, until } from './dev-app.js'
import { launchChromium } from '../__test__/helpers/browser.js'
import { sleep } from '../__test__/helpers/wait.js'
import { summarize } from './stats.js'

const APP_SIZE = 500
const QUICK_APP_SIZE = 200
const BURST_EDITS = 50
const BURST_SPACING_MS = 30
const SETTLE_MS = 1500
// Lone saves: further apart than the batcher's stream gap (quiet + max wait, 330 ms by
// default), as a developer's saves are; closer edits are a burst, measured apart.
const LONE_EDIT_GAP_MS = 1000
const QUICK_SETTLE_MS = 500

const VARIANTS = {
  recipe: () => [docsRecipeHmrReload()],
  reload: () => ssrHmr({ refresh: 'reload' }),
  morph: () => ssrHmr({ refresh: 'morph' }),
  patch: () => ssrHmr(),
  inPlace: () => ssrHmr(),
}
/** Variants measured on the app with a client router (an in-place path). */
const ROUTER_VARIANTS = new Set(['inPlace'])

/** The wall clock in ms with sub-ms precision, as the page stamps what it shows. */
const now = () => performance.timeOrigin + performance.now()

/** Reports every change of `#data`'s text and of the client's boot, from every document. */
function watchPageInit() {
  const doc = Math.random()
  let lastText
  let lastBooted
  const report = () => {
    const text = document.getElementById('data')?.textContent ?? null
    const booted = !!window.__booted
    if (text === lastText && booted === lastBooted) return
    lastText = text
    lastBooted = booted
    // Stamped in the page, on the clock the bench reads too (wall time with sub-ms
    // precision): what the developer sees, without the delay of reporting it to Node.
    window.__benchSeen?.({ doc, text, booted, at: performance.timeOrigin + performance.now() })
  }
  window.__benchBooted = report
  new MutationObserver(report).observe(document, { subtree: true, childList: true, characterData: true })
}

/** One tab: what it showed when, how often it was refreshed, and how often its page was checked. */
async function openTab(context, origin, route) {
  const page = await context.newPage()
  const tab = { page, route, seen: [], navigations: 0, morphs: 0, checks: 0, checkMs: [], moduleRequests: 0 }
  await page.exposeFunction('__benchSeen', (state) => {
    const last = tab.seen.at(-1)
    if (last && last.doc === state.doc && last.text !== null && state.text !== null && last.text !== state.text)
      tab.morphs++
    tab.seen.push(state)
  })
  await page.addInitScript(watchPageInit)
  page.on('requestfinished', (request) => {
    if (request.resourceType() === 'fetch' && new URL(request.url()).pathname === route)
      tab.checkMs.push(request.timing().responseEnd)
  })
  page.on('request', (request) => {
    if (request.frame() !== page.mainFrame()) return
    const pathname = new URL(request.url()).pathname
    if (request.isNavigationRequest()) tab.navigations++
    else if (pathname === route && ['fetch', 'xhr'].includes(request.resourceType())) tab.checks++
    else if (/\.(js|css)$/.test(pathname)) tab.moduleRequests++
  })
  await page.goto(origin + route)
  await waitFor(tab, (s) => s.booted, 0, 'first load')
  return tab
}

/** Navigations plus in-place content changes: what the developer sees as a refresh. */
const refreshesOf = (tab) => tab.navigations + tab.morphs

function waitFor(tab, predicate, since, what, timeout = 15_000) {
  let found
  return until(() => (found = tab.seen.find((s) => s.at >= since && predicate(s))), {
    timeout,
    what: `${tab.route}: ${what}`,
  }).then(() => found)
}

/** Write → new text in the DOM, and → page ready, for `count` lone edits. */
async function timeToFreshContent(dev, app, tab, count, firstVersion) {
  const samples = { text: [], ready: [] }
  let navigations = 0
  const checksBefore = tab.checks
  const checkMsBefore = tab.checkMs.length
  for (let i = 0; i < count; i++) {
    const version = firstVersion + i
    const expected = `r0 v${version}`
    const navigationsBefore = tab.navigations
    const startedAt = now()
    dev.write(app.dataFile(0), app.dataSource(0, version))
    const text = await waitFor(tab, (s) => s.text === expected, startedAt, expected)
    const ready = await waitFor(tab, (s) => s.text === expected && s.booted, startedAt, `${expected} ready`)
    samples.text.push(text.at - startedAt)
    samples.ready.push(ready.at - startedAt)
    navigations += tab.navigations - navigationsBefore
    await sleep(LONE_EDIT_GAP_MS)
  }
  return {
    text: summarize(samples.text),
    ready: summarize(samples.ready),
    navigations,
    checksPerEdit: (tab.checks - checksBefore) / count,
    checkMs: summarize(tab.checkMs.slice(checkMsBefore)),
  }
}

/** 50 edits 30 ms apart: refreshes of the tab, and whether it ends on the last version. */
async function burst(dev, app, tab, firstVersion, settleMs) {
  const refreshesBefore = refreshesOf(tab)
  const checksBefore = tab.checks
  const startedAt = now()
  let version = firstVersion
  for (let i = 0; i < BURST_EDITS; i++, version++) {
    dev.write(app.dataFile(0), app.dataSource(0, version))
    await sleep(BURST_SPACING_MS)
  }
  const last = `r0 v${version - 1}`
  let fresh = true
  await waitFor(tab, (s) => s.text === last && s.booted, startedAt, last).catch(() => (fresh = false))
  await sleep(settleMs)
  await tab.page.waitForLoadState('load')
  const finalText = await tab.page.evaluate(() => document.getElementById('data')?.textContent).catch(() => null)
  fresh = finalText === last
  return {
    refreshes: refreshesOf(tab) - refreshesBefore,
    checks: tab.checks - checksBefore,
    fresh,
    finalText,
    nextVersion: version,
  }
}

/** 4 tabs on 4 routes, route r0's data changes: how many tabs refresh, how many pages are checked. */
async function tabsDisturbed(dev, app, context, version, settleMs) {
  const tabs = []
  for (const route of app.routes.slice(0, 4)) tabs.push(await openTab(context, dev.origin, route))
  await sleep(300)
  const before = tabs.map((t) => ({ refreshes: refreshesOf(t), checks: t.checks }))
  const startedAt = now()
  dev.write(app.dataFile(0), app.dataSource(0, version))
  let fresh = true
  await waitFor(tabs[0], (s) => s.text === `r0 v${version}` && s.booted, startedAt, 'fresh r0').catch(
    () => (fresh = false),
  )
  await sleep(settleMs)
  const disturbed = tabs.filter((t, i) => refreshesOf(t) > before[i].refreshes).length
  const checks = tabs.reduce((sum, t, i) => sum + t.checks - before[i].checks, 0)
  const othersIntact = tabs.slice(1).every((t) => t.seen.at(-1).text === `${t.route.slice(1)} v1`)
  for (const t of tabs) await t.page.close()
  return { tabs: tabs.length, disturbed, checks, fresh, othersIntact }
}

async function measureVariant(browser, app, staticApp, name, { quick, edits = quick ? 1 : 10 }) {
  const settleMs = quick ? QUICK_SETTLE_MS : SETTLE_MS
  const context = await browser.newContext()
  try {
    const dev = await serveApp(app, VARIANTS[name]())
    let result
    try {
      const tab = await openTab(context, dev.origin, app.routes[0])
      const loadedModules = tab.moduleRequests
      await sleep(300)
      const fresh = await timeToFreshContent(dev, app, tab, edits, 2)
      const bursts = []
      let version = 100
      for (let r = 0; r < (quick ? 1 : 3); r++) {
        bursts.push(await burst(dev, app, tab, version, settleMs))
        version = bursts.at(-1).nextVersion
      }
      const burstResult = {
        refreshes: summarize(bursts.map((b) => b.refreshes)),
        checks: summarize(bursts.map((b) => b.checks)),
        fresh: bursts.every((b) => b.fresh),
        finalTexts: bursts.map((b) => b.finalText),
        expected: bursts.map((b) => `r0 v${b.nextVersion - 1}`),
        runs: bursts.length,
        nextVersion: version,
      }
      await tab.page.close()
      const tabs = await tabsDisturbed(dev, app, context, burstResult.nextVersion, settleMs)
      result = {
        loadedModules,
        fresh,
        burst: burstResult,
        tabs,
        morphFellBackToReload: name === 'morph' && fresh.navigations > 0,
        inPlaceFellBackToReload: (name === 'inPlace' || name === 'patch') && fresh.navigations > 0,
      }
    } finally {
      await dev.close()
    }
    const staticDev = await serveApp(staticApp, VARIANTS[name]())
    try {
      result.staticTabs = await tabsDisturbed(staticDev, staticApp, context, 2, settleMs)
    } finally {
      await staticDev.close()
    }
    return result
  } finally {
    await context.close()
  }
}

export async function runBrowserSection({ quick, log, variants = Object.keys(VARIANTS), edits }) {
  const size = quick ? QUICK_APP_SIZE : APP_SIZE
  const apps = [generateApp(size), generateApp(size, { staticRoutes: true })]
  const routerApps = [
    generateApp(size, { clientRouter: true }),
    generateApp(size, { staticRoutes: true, clientRouter: true }),
  ]
  const browser = await launchChromium()
  try {
    const results = { appModules: apps[0].modules, version: browser.version() }
    for (const name of variants) {
      log(`browser: ${name}`)
      const [app, staticApp] = ROUTER_VARIANTS.has(name) ? routerApps : apps
      results[name] = await measureVariant(browser, app, staticApp, name, { quick, edits })
    }
    return results
  } finally {
    await browser.close()
    for (const app of [...apps, ...routerApps]) removeApp(app)
  }
}
