// The 'reload' strategy in a real browser: a server-only edit reloads exactly the tabs whose
// page depends on it, and leaves every other tab alone (not even a message reaches it). (The
// default, 'auto', patches these plain pages in place instead: three-way-patch.test.js.)

import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { ssrHmr } from 'vite-plugin-ssr-hmr'
import { startViteDevServer } from '../helpers/dev-server.js'
import { launchBrowser } from '../helpers/browser.js'
import { untilSteady } from '../helpers/wait.js'
import { burstsSeenBy, writeBurst } from '../helpers/burst.js'

describe("'reload' in Chromium", () => {
  let dev
  let browser
  beforeAll(async () => {
    ;[dev, browser] = await Promise.all([
      startViteDevServer('browser-app', { plugins: [ssrHmr({ refresh: 'reload' })] }),
      launchBrowser(),
    ])
  })
  afterAll(async () => {
    await browser?.close()
    await dev?.close()
  })
  afterEach(() => browser.closeTabs())

  /** A tab with a value on `window` that only survives if the document is never replaced. */
  async function openMarked(url) {
    const tab = await browser.open(dev, url)
    await tab.evaluate(() => (window.marker = 'kept'))
    return tab
  }

  async function expectUntouched(tab, { documents = 1 } = {}) {
    expect(await tab.evaluate(() => window.marker)).toBe('kept')
    expect(tab.record.documents).toHaveLength(documents)
    expect(tab.record.updates).toEqual([])
    expect(tab.record.payloads.filter((payload) => payload.type === 'full-reload')).toEqual([])
  }

  test('an edit to a module only the second route uses reloads the second tab only', async () => {
    const home = await openMarked('/')
    const about = await openMarked('/about')

    dev.edit('src/data/about.js', (code) => code.replace('about v1', 'about v2'))

    expect(await about.waitForText('#data', 'about v2')).toBe('about v2')
    expect(about.record.documents).toHaveLength(2)
    expect(await about.evaluate(() => window.marker)).toBeUndefined()
    // Both tabs' messages leave the server in the same tick: by the time the second tab has
    // reloaded, a message for the first would long have arrived.
    await expectUntouched(home)
    expect(home.record.errors).toEqual([])
  })

  test('an edit to a module both routes use reloads both tabs', async () => {
    const home = await openMarked('/')
    const about = await openMarked('/about')

    dev.edit('src/layout.js', (code) => code.replace('footer v1', 'footer v2'))

    await home.waitForText('#footer', 'footer v2')
    await about.waitForText('#footer', 'footer v2')
    expect(home.record.documents).toHaveLength(2)
    expect(about.record.documents).toHaveLength(2)
  })

  test('a plain server-rendered page with no client code of its own refreshes too', async () => {
    const plain = await openMarked('/plain')
    expect(await plain.evaluate(() => window.clientRuns)).toBeUndefined()

    dev.edit('src/data/home.js', (code) => code.replace(/home v\d/, 'home v2'))

    expect(await plain.waitForText('#data', 'home v2')).toBe('home v2')
    expect(plain.record.documents).toHaveLength(2)
  })

  test('the app observes ssr-hmr:update before the tab reloads', async () => {
    const about = await openMarked('/about')

    dev.edit('src/data/about.js', (code) => code.replace(/about v\d/, 'about v3'))

    await about.waitForText('#data', 'about v3')
    // Recorded by the app's own import.meta.hot.on listener just before the reload.
    const seen = await about.evaluate(() => JSON.parse(sessionStorage.getItem('ssrHmrEvents')))
    expect(seen).toEqual([
      expect.objectContaining({
        strategy: 'reload',
        files: expect.objectContaining({ serverOnly: ['src/data/about.js'] }),
        pages: [expect.objectContaining({ url: '/about' })],
        reloadAll: false,
      }),
    ])
  })

  test('client-side navigation moves the tab: it follows the page it shows now', async () => {
    const tab = await openMarked('/')
    const since = tab.reportCount()
    await tab.evaluate(() => history.pushState({}, '', '/about'))
    await tab.reported('/about', since)

    const home = await openMarked('/')
    dev.edit('src/data/home.js', (code) => code.replace(/home v\d/, 'home v4'))
    expect(await home.waitForText('#data', 'home v4')).toBe('home v4')
    await expectUntouched(tab)

    dev.edit('src/data/about.js', (code) => code.replace(/about v\d/, 'about v4'))
    expect(await tab.waitForText('#data', 'about v4')).toBe('about v4')
    expect(tab.record.documents).toHaveLength(2)
  })

  test('back/forward navigation is followed too', async () => {
    const tab = await openMarked('/')
    await tab.evaluate(() => history.pushState({}, '', '/about'))
    const since = tab.reportCount()
    await tab.evaluate(() => history.back())
    await tab.reported('/', since)

    dev.edit('src/data/home.js', (code) => code.replace(/home v\d/, 'home v5'))
    expect(await tab.waitForText('#data', 'home v5')).toBe('home v5')
  })

  test('a tab showing a page the server never rendered refreshes on any server-only edit (safety)', async () => {
    const tab = await openMarked('/')
    const since = tab.reportCount()
    await tab.evaluate(() => history.pushState({}, '', '/only-in-the-browser'))
    await tab.reported('/only-in-the-browser', since)

    dev.edit('src/data/about.js', (code) => code.replace(/about v\d/, 'about v5'))

    // It reloads into what the server renders for that URL.
    expect(await tab.waitForText('#title', 'Not found')).toBe('Not found')
    expect(tab.record.documents).toHaveLength(2)
  })

  test('50 server-only edits 30 ms apart: at most 2 reloads per affected tab, and the final content', async () => {
    const home = await openMarked('/')
    const about = await openMarked('/about')

    const written = await writeBurst(50, 30, (i) =>
      dev.write('src/data/about.js', `export const about = 'about burst ${i + 1}'\n`),
    )

    expect(await about.waitForText('#data', 'about burst 50')).toBe('about burst 50')
    // The last refresh of a burst can follow the last update by up to the settle time; wait
    // until the tab is quiet again (no new document for a while) before counting.
    await untilSteady(() => about.record.documents.length, 'the tab to stop reloading')
    const reloads = about.record.documents.length - 1
    const bursts = burstsSeenBy(about.record.decisions, written)
    const timeline = `${written.note}, ${bursts} seen by the tab\n${about.record.timeline.join('\n')}`
    expect(reloads, timeline).toBeGreaterThanOrEqual(1)
    expect(reloads, timeline).toBeLessThanOrEqual(2 * bursts)
    expect(await about.text('#data')).toBe('about burst 50')
    await expectUntouched(home)
  })
})
