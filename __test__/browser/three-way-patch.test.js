// The default strategy on a page without a framework part, in a real browser: a server-only
// edit is a three-way patch. The server keeps the render the tab was served; the tab applies
// what changed between it and the fresh render to its live DOM, where the live DOM still shows
// the served render. What client code changed beside it survives; a conflict reloads.

import { describe, expect, test } from 'vitest'
import { ssrHmr } from 'vite-plugin-ssr-hmr'
import { useDevServerAndBrowser } from '../helpers/browser-app.js'
import { untilSteady, waitUntil } from '../helpers/wait.js'
import { burstsSeenBy, writeBurst } from '../helpers/burst.js'

describe("'auto' without a framework part: the three-way patch", () => {
  const app = useDevServerAndBrowser('browser-app', { plugins: [ssrHmr()] })

  let version = 1
  /** Edits /patch's server-only data to a new version; returns its text. */
  function editData(items = ['one'], script = '', banner = '') {
    version++
    app.dev.write(
      'src/data/patch.js',
      `export const patch = 'patch v${version}'\nexport const items = ${JSON.stringify(items)}\nexport const script = ${JSON.stringify(script)}\nexport const banner = ${JSON.stringify(banner)}\n`,
    )
    return `patch v${version}`
  }

  /** The tab's page as client code left it: typed text, a client-rendered element, an open <details>. */
  async function openWithClientState() {
    const tab = await app.browser.open(app.dev, '/patch')
    await tab.evaluate(() => (window.marker = 'kept'))
    expect(await tab.text('#client-rendered')).toBe('rendered by the client')
    await tab.page.fill('#name', 'typed name')
    await tab.evaluate(() => (document.querySelector('#more').open = true))
    // An attribute of the client's own on an element whose other attribute an edit changes.
    await tab.evaluate(() => document.querySelector('#card').classList.add('from-client'))
    return tab
  }

  const clientState = (tab) =>
    tab.evaluate(() => ({
      marker: window.marker,
      name: document.querySelector('#name').value,
      detailsOpen: document.querySelector('#more').open,
      clientRendered: document.querySelector('#client-rendered')?.textContent,
      clientRuns: window.clientRuns,
      cardClass: document.querySelector('#card').className,
    }))
  const kept = {
    marker: 'kept',
    name: 'typed name',
    detailsOpen: true,
    clientRendered: 'rendered by the client',
    clientRuns: 1,
    cardClass: 'from-client',
  }

  test('a server-only edit shows the new data with no document load; what the client changed survives', async () => {
    const tab = await openWithClientState()
    const other = await app.browser.open(app.dev, '/')

    const expected = editData()
    await tab.waitForText('#data', expected)

    expect(await clientState(tab)).toEqual(kept)
    expect(await tab.evaluate(() => document.title)).toBe(`Patch ${expected}`)
    expect(await tab.evaluate(() => document.querySelector('#card').dataset.version)).toBe(expected)
    expect(tab.record.documents).toHaveLength(1)
    await waitUntil(
      () => tab.record.console.some((line) => line.includes('patched in place (2 elements)')),
      'the patch to be logged',
    )
    expect(tab.record.errors).toEqual([])
    expect(other.record.updates).toEqual([])
    expect(other.record.documents).toHaveLength(1)
  })

  test('edits in a row patch from the render the tab shows now; an inserted element lands in place', async () => {
    const tab = await openWithClientState()
    const baseFetches = []
    tab.page.on('request', (request) => {
      if (request.url().includes('/@id/__ssr-hmr/render/')) baseFetches.push(request.url())
    })

    await tab.waitForText('#data', editData(['one', 'two']))
    expect(
      await tab.evaluate(() => Array.from(document.querySelectorAll('#items li'), (li) => li.textContent)),
    ).toEqual(['one', 'two'])
    await tab.waitForText('#data', editData(['zero', 'one', 'two']))
    expect(
      await tab.evaluate(() => Array.from(document.querySelectorAll('#items li'), (li) => li.textContent)),
    ).toEqual(['zero', 'one', 'two'])

    expect(await clientState(tab)).toEqual(kept)
    expect(tab.record.documents).toHaveLength(1)
    expect(tab.record.errors).toEqual([])
    // The served render is fetched once; the second edit patches from the first one's fresh render.
    expect(baseFetches).toHaveLength(1)
    // And it was asked for while the check's render ran, not after its verdict.
    const timing = await tab.evaluate(() => {
      const entries = performance.getEntriesByType('resource')
      const base = entries.find((entry) => entry.name.includes('/@id/__ssr-hmr/render/'))
      const check = entries
        .filter(
          (entry) =>
            entry.initiatorType === 'fetch' &&
            new URL(entry.name).pathname === '/patch' &&
            entry.startTime <= base.startTime,
        )
        .at(-1)
      return { baseStart: base.startTime, checkEnd: check.responseEnd }
    })
    expect(timing.baseStart, JSON.stringify(timing)).toBeLessThan(timing.checkEnd)
  })

  test('an element added and removed beside what the client rendered: patched in place, the rest kept', async () => {
    const tab = await openWithClientState()

    await tab.waitForText('#data', editData(['one'], '', 'a banner'))
    expect(await tab.text('#banner')).toBe('a banner')
    await tab.waitForText('#data', editData())
    expect(await tab.evaluate(() => document.querySelector('#banner'))).toBeNull()

    expect(await clientState(tab)).toEqual(kept)
    expect(tab.record.documents).toHaveLength(1)
    expect(tab.record.errors).toEqual([])
  })

  test('50 edits 30 ms apart: no document load, at most two patches per burst, and the tab ends fresh', async () => {
    const tab = await openWithClientState()
    const patched = () => tab.record.console.filter((line) => line.includes('patched in place')).length
    let last
    const written = await writeBurst(50, 30, () => (last = editData()))
    await tab.waitForText('#data', last)
    await untilSteady(patched, 'the tab to stop patching')
    const bursts = burstsSeenBy(tab.record.decisions, written)
    const timeline = `${written.note}, ${bursts} seen by the tab\n${tab.record.timeline.join('\n')}`
    expect(patched(), timeline).toBeGreaterThanOrEqual(1)
    expect(patched(), timeline).toBeLessThanOrEqual(2 * bursts)
    expect(await tab.text('#data')).toBe(last)
    expect(await clientState(tab)).toEqual(kept)
    expect(tab.record.documents).toHaveLength(1)
  })

  test('client code changed the very element the edit changes: a reload, and the page is fresh', async () => {
    const tab = await openWithClientState()
    await tab.evaluate(() => (document.querySelector('#data').textContent = 'changed by the client'))

    const expected = editData()
    expect(await tab.waitForText('#data', expected)).toBe(expected)

    expect(tab.record.documents).toHaveLength(2)
    expect(await tab.evaluate(() => window.marker)).toBeUndefined()
    expect(tab.record.console.some((line) => line.includes('client code changed what the edit changes'))).toBe(true)
  })

  test('an edit that adds a script: a reload, which runs it (a patch could not)', async () => {
    const tab = await openWithClientState()

    // Only the script: nothing else changes, so the change is just its insertion.
    version--
    editData(['one'], 'ran')
    await waitUntil(async () => (await tab.evaluate(() => window.fromScript)) === 'ran', 'the script to run')

    expect(tab.record.documents).toHaveLength(2)
    expect(await tab.evaluate(() => window.fromScript)).toBe('ran')
    expect(
      tab.record.console.some((line) => line.includes('a script is part of the change')),
      tab.record.console.join('\n'),
    ).toBe(true)
  })

  test("a render's HTML goes to the app's own pages only, for a stamp the server issued", async () => {
    const tab = await app.browser.open(app.dev, '/patch')
    const stamp = await tab.evaluate(
      () => performance.getEntriesByType('navigation')[0].serverTiming.find((t) => t.name === 'ssr-hmr').description,
    )
    const render = (path, site) =>
      fetch(`${app.dev.origin}${path}`, { headers: site ? { 'sec-fetch-site': site } : {} })

    const own = await render(`/@id/__ssr-hmr/render/${stamp}`, 'same-origin')
    expect(own.status).toBe(200)
    expect(await own.text()).toContain('<p id="data">')
    expect(own.headers.get('server-timing')).toBeNull()
    expect((await render(`/@id/__ssr-hmr/render/${stamp}`, 'cross-site')).status).toBe(404)
    expect((await render(`/@id/__ssr-hmr/render/${stamp}`)).status).toBe(404)
    expect((await render('/@id/__ssr-hmr/render/999999', 'same-origin')).status).toBe(404)
    expect((await render('/@id/__ssr-hmr/render/x', 'same-origin')).status).toBe(404)
  })
})
