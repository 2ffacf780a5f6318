// The `refresh` option and its per-page override in a real browser: with 'event' the tab only
// dispatches `ssr-hmr:update` (a framework re-fetches its data); with 'morph' every page
// morphs; `<meta name="ssr-hmr" content="…">` wins over the option either way.

import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { ssrHmr } from 'vite-plugin-ssr-hmr'
import { startViteDevServer } from '../helpers/dev-server.js'
import { launchBrowser } from '../helpers/browser.js'
import { waitUntil } from '../helpers/wait.js'

let browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(() => browser?.close())
afterEach(() => browser.closeTabs())

describe("refresh: 'event'", () => {
  let dev
  beforeAll(async () => {
    dev = await startViteDevServer('browser-app', { plugins: [ssrHmr({ refresh: 'event' })] })
  })
  afterAll(() => dev?.close())

  test('the event arrives with its payload, and nothing reloads or re-fetches', async () => {
    const about = await browser.open(dev, '/about')
    const home = await browser.open(dev, '/')
    await about.evaluate(() => (window.marker = 'kept'))

    const before = Date.now()
    dev.edit('src/data/about.js', (code) => code.replace('about v1', 'about v2'))

    // Recorded by the app's own listener (see the fixture's entry-client.js).
    const [event] = await waitUntil(() => about.evaluate(() => window.ssrHmrEvents), 'the ssr-hmr:update event')
    expect(event).toEqual({
      strategy: 'event',
      reason: 'server-only',
      files: { serverOnly: ['src/data/about.js'], shared: [], clientOnly: [], watched: [], updatedInPlace: [] },
      verdict: 'changed',
      page: '/about',
      roots: [
        { root: 'src/routes/about.js', file: 'src/data/about.js', chain: ['src/data/about.js', 'src/routes/about.js'] },
      ],
      pages: [{ url: '/about', verdict: 'changed' }],
      // What the page shows differently now: its data.
      freshText: ['about v2'],
      reloadAll: false,
      settling: false,
      timestamp: expect.any(Number),
      check: expect.any(String),
      render: expect.any(Number),
    })
    expect(event.timestamp).toBeGreaterThanOrEqual(before - 1000)

    // The page itself is left to the app: still the old text, same document; its fetches
    // were the server's check of what the page renders now, and one more to learn what
    // differs between its renders anyway (the first time it differs).
    expect(await about.text('#data')).toBe('about v1')
    expect(await about.evaluate(() => window.marker)).toBe('kept')
    expect(about.record.documents).toHaveLength(1)
    expect(about.record.pageFetches).toHaveLength(2)
    // Only the affected tab hears of it.
    expect(home.record.updates).toEqual([])
    expect(await home.evaluate(() => window.ssrHmrEvents)).toBeUndefined()
  })

  test('a page asking for morph still morphs', async () => {
    const form = await browser.open(dev, '/form')
    dev.edit('src/data/form.js', (code) => code.replace("'form v1'", "'form v2'"))
    await form.waitForText('#data', 'form v2')
    expect(form.record.documents).toHaveLength(1)
    expect(form.record.pageFetches).toHaveLength(2)
    expect(await form.evaluate(() => window.ssrHmrEvents.map((event) => event.strategy))).toEqual(['event'])
  })
})

describe("refresh: 'morph'", () => {
  let dev
  beforeAll(async () => {
    dev = await startViteDevServer('browser-app', { plugins: [ssrHmr({ refresh: 'morph' })] })
  })
  afterAll(() => dev?.close())

  test('every page morphs, without asking for it', async () => {
    const about = await browser.open(dev, '/about')
    await about.evaluate(() => (window.marker = 'kept'))
    dev.edit('src/data/about.js', (code) => code.replace('about v1', 'about v2'))
    await about.waitForText('#data', 'about v2')
    expect(await about.evaluate(() => window.marker)).toBe('kept')
    expect(about.record.documents).toHaveLength(1)
    // The check, and one more to learn what differs between renders of /about anyway.
    expect(about.record.pageFetches).toEqual([`${dev.origin}/about`, `${dev.origin}/about`])
  })

  test('a page that adds a script falls back to a reload (a morph never runs scripts)', async () => {
    const about = await browser.open(dev, '/about')
    dev.edit('src/routes/about.js', (code) => code.replace('</p>`', '</p><script>window.added = true</script>`'))
    await waitUntil(() => about.record.documents.length === 2, 'the reload')
    await waitUntil(() => about.evaluate(() => window.added), 'the new script to run after the reload')
    expect(about.record.pageFetches).toHaveLength(1)
  })
})
