// When a refresh happens, in Chromium: a lone save is acted on at once, whatever the batch's
// quiet period, and a burst still costs a tab at most two refreshes and ends on the final
// content. Refreshes are counted as document loads, so the tabs reload ('reload'); the same
// under the default, in place, is in three-way-patch.test.js.

import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { ssrHmr } from 'vite-plugin-ssr-hmr'
import { launchBrowser } from '../helpers/browser.js'
import { untilSteady, waitUntil } from '../helpers/wait.js'
import { burstsSeenBy, writeBurst } from '../helpers/burst.js'
import { startViteDevServer } from '../helpers/dev-server.js'

const LONG_QUIET_MS = 10_000

/** A dev server of browser-app with these plugin options, a browser, and an edit of /about's data. */
function serve(options) {
  const context = { version: 1 }
  beforeAll(async () => {
    ;[context.dev, context.browser] = await Promise.all([
      startViteDevServer('browser-app', { plugins: [ssrHmr({ refresh: 'reload', ...options })] }),
      launchBrowser(),
    ])
  })
  afterAll(async () => {
    await context.browser?.close()
    await context.dev?.close()
  })
  afterEach(() => context.browser.closeTabs())
  context.editAbout = () => {
    context.version++
    context.dev.write('src/data/about.js', `export const about = 'about v${context.version}'\n`)
    return `about v${context.version}`
  }
  return context
}

describe('a lone save, with a quiet period of 10 s', () => {
  // Far longer than any wait below: a refresh seen before it could end was not waiting for it.
  const app = serve({ batch: { quietMs: LONG_QUIET_MS, maxWaitMs: LONG_QUIET_MS } })

  test('refreshes the tab before the quiet period could have ended', async () => {
    const tab = await app.browser.open(app.dev, '/about')
    const written = Date.now()
    const text = app.editAbout()
    await waitUntil(async () => (await tab.text('#data')) === text, 'the new text', { timeout: LONG_QUIET_MS / 2 })
    expect(Date.now() - written).toBeLessThan(LONG_QUIET_MS)
    expect(tab.record.documents).toHaveLength(2)
  })
})

describe('a burst, with the default batch', () => {
  const app = serve()

  test('50 edits 30 ms apart: at most two refreshes, and the tab ends fresh', async () => {
    const tab = await app.browser.open(app.dev, '/about')
    let last
    const written = await writeBurst(50, 30, () => (last = app.editAbout()))
    await tab.waitForText('#data', last)
    await untilSteady(() => tab.record.documents.length, 'the tab to stop reloading')
    // The first document, one refresh at the burst's first edit, one on its final content.
    const bursts = burstsSeenBy(tab.record.decisions, written)
    const timeline = `${written.note}, ${bursts} seen by the tab\n${tab.record.timeline.join('\n')}`
    expect(tab.record.documents.length, timeline).toBeGreaterThanOrEqual(2)
    expect(tab.record.documents.length, timeline).toBeLessThanOrEqual(1 + 2 * bursts)
    expect(await tab.text('#data')).toBe(last)
  })

  test("a burst that begins with an edit this tab's page does not use: one refresh, on the final content", async () => {
    const tab = await app.browser.open(app.dev, '/about')
    let last
    // A save-all: home's data first (the lone-looking edit a burst starts with, nothing to
    // /about), then /about's, in one stream. The tab hears of the burst only once it is under
    // way, and must still fold it: its first word from the server is already `settling`.
    // (On a loaded machine the first decision can be taken late enough to hold /about's first
    // edit too; that lone decision is acted on at once, as it should be, and is allowed for.)
    const written = await writeBurst(20, 30, (i) => {
      if (i === 0) app.dev.write('src/data/home.js', `export const home = 'home v${app.version}'\n`)
      else last = app.editAbout()
    })
    await tab.waitForText('#data', last)
    await untilSteady(() => tab.record.documents.length, 'the tab to stop reloading')
    const bursts = burstsSeenBy(tab.record.decisions, written)
    const lone = tab.record.decisions.filter((decision) => !decision.settling).length
    const timeline = `${written.note}, ${bursts} seen by the tab, ${lone} lone decision(s) about it\n${tab.record.timeline.join('\n')}`
    // A refresh per lone decision, and one trailing refresh per burst the tab lived through.
    expect(tab.record.documents.length - 1, timeline).toBeLessThanOrEqual(lone + bursts)
    expect(await tab.text('#data')).toBe(last)
  })
})
