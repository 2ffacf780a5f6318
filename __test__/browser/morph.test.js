// The state-preserving strategy in a real browser: the tab fetches its own URL and morphs the
// document in place. What the user did to the page survives; what the server changed shows.
// /form asks for it with <meta name="ssr-hmr" content="morph"> (the option stays 'reload').

import { describe, expect, test } from 'vitest'
import { ssrHmr } from 'vite-plugin-ssr-hmr'
import { useDevServerAndBrowser } from '../helpers/browser-app.js'
import { untilSteady, waitUntil } from '../helpers/wait.js'
import { burstsSeenBy, writeBurst } from '../helpers/burst.js'

describe("'morph' in Chromium", () => {
  const app = useDevServerAndBrowser('browser-app', { plugins: [ssrHmr()] })

  let version = 1
  /** Edits the page's server-only data module to a new version and returns that text. */
  function editForm(change = {}) {
    version++
    const { head = '', title = `Form v${version}`, body = `form v${version}` } = change
    app.dev.write(
      'src/data/form.js',
      `export const form = ${JSON.stringify(body)}\nexport const title = ${JSON.stringify(title)}\nexport const head = ${JSON.stringify(head)}\n`,
    )
    return body
  }

  test('keeps typed text, focus, selection, scroll, toggles and window state; shows the new content; no navigation', async () => {
    const tab = await app.browser.open(app.dev, '/form')
    const { page } = tab
    await tab.evaluate(() => (window.marker = 'kept'))
    expect(await tab.text('#island')).toBe('mounted by the client')

    await page.fill('#name', 'typed name')
    await page.check('#agree')
    await page.evaluate(() => {
      document.querySelector('#more').open = true
      document.querySelector('#dialog').show()
    })
    await page.fill('#notes', 'typed notes')
    await page.evaluate(() => {
      const notes = document.querySelector('#notes')
      notes.setSelectionRange(2, 7)
      window.scrollTo(0, 1234)
    })
    const scrollBefore = await tab.evaluate(() => window.scrollY)
    expect(scrollBefore).toBeGreaterThan(1000)

    const expected = editForm()
    await tab.waitForText('#data', expected)

    const state = await tab.evaluate(() => ({
      marker: window.marker,
      notes: document.querySelector('#notes').value,
      name: document.querySelector('#name').value,
      agree: document.querySelector('#agree').checked,
      detailsOpen: document.querySelector('#more').open,
      dialogOpen: document.querySelector('#dialog').open,
      island: document.querySelector('#island').textContent,
      focused: document.activeElement?.id,
      selection: [document.querySelector('#notes').selectionStart, document.querySelector('#notes').selectionEnd],
      scrollY: window.scrollY,
      title: document.title,
      clientRuns: window.clientRuns,
      inlineRuns: window.inlineRuns,
    }))
    expect(state).toEqual({
      marker: 'kept',
      notes: 'typed notes',
      name: 'typed name',
      agree: true,
      detailsOpen: true,
      dialogOpen: true,
      island: 'mounted by the client',
      focused: 'notes',
      selection: [2, 7],
      scrollY: scrollBefore,
      title: `Form v${version}`,
      // Scripts are not run again.
      clientRuns: 1,
      inlineRuns: 1,
    })
    expect(tab.record.documents).toHaveLength(1)
    // The check, and one more to learn what differs between renders of /form anyway (the
    // first time it differs); the morph uses the last.
    expect(tab.record.pageFetches).toEqual([`${app.dev.origin}/form`, `${app.dev.origin}/form`])
    expect(tab.record.errors).toEqual([])
  })

  test('fields the user did not touch take the server values', async () => {
    const tab = await app.browser.open(app.dev, '/form')
    app.dev.edit('src/routes/form.js', (code) =>
      code.replace('value="server name"', 'value="server name v2"').replace('>server notes<', '>server notes v2<'),
    )
    await waitUntil(
      () => tab.evaluate(() => document.querySelector('#name').value === 'server name v2'),
      'the new server value',
    )
    expect(await tab.evaluate(() => document.querySelector('#notes').value)).toBe('server notes v2')
    expect(tab.record.documents).toHaveLength(1)
  })

  test('head changes apply: title, and a new stylesheet is loaded and used', async () => {
    const tab = await app.browser.open(app.dev, '/form')
    const expected = editForm({ title: 'Styled form', head: '<link rel="stylesheet" href="/src/extra.css" />' })
    await tab.waitForText('#data', expected)
    await waitUntil(
      () => tab.evaluate(() => getComputedStyle(document.querySelector('#data')).color === 'rgb(0, 128, 0)'),
      'the new stylesheet',
    )
    expect(await tab.evaluate(() => document.title)).toBe('Styled form')

    // And a stylesheet the server no longer renders goes away.
    const next = editForm()
    await tab.waitForText('#data', next)
    expect(await tab.evaluate(() => document.querySelectorAll('link[href="/src/extra.css"]').length)).toBe(0)
    expect(tab.record.documents).toHaveLength(1)
  })

  test('the error overlay of a broken edit is removed by the morph that follows the fix', async () => {
    const tab = await app.browser.open(app.dev, '/form')
    const good = app.dev.read('src/data/form.js')
    app.dev.write('src/data/form.js', `${good}\nexport const broken = (\n`)
    await waitUntil(
      () => tab.evaluate(() => document.querySelectorAll('ssr-hmr-error-overlay').length === 1),
      'the error overlay',
    )

    const expected = editForm()
    await tab.waitForText('#data', expected)
    await waitUntil(
      () => tab.evaluate(() => document.querySelectorAll('ssr-hmr-error-overlay').length === 0),
      'the overlay to go',
    )
    expect(tab.record.documents).toHaveLength(1)
  })

  test('50 server-only edits 30 ms apart: at most 2 morphs, the final content, no reload', async () => {
    const tab = await app.browser.open(app.dev, '/form')
    await tab.page.fill('#notes', 'typed during a burst')
    let last
    const written = await writeBurst(50, 30, () => (last = editForm()))
    await tab.waitForText('#data', last)
    // The trailing morph of a burst follows its last update by up to the settle time: wait
    // until the tab has made no new request for a while before counting.
    await untilSteady(() => tab.record.pageFetches.length, 'the tab to stop morphing')
    const bursts = burstsSeenBy(tab.record.decisions, written)
    const timeline = `${written.note}, ${bursts} seen by the tab\n${tab.record.timeline.join('\n')}`
    expect(tab.record.pageFetches.length, timeline).toBeGreaterThanOrEqual(1)
    expect(tab.record.pageFetches.length, timeline).toBeLessThanOrEqual(2 * bursts)
    expect(await tab.text('#data')).toBe(last)
    expect(await tab.evaluate(() => document.querySelector('#notes').value)).toBe('typed during a burst')
    expect(tab.record.documents).toHaveLength(1)
  })

  test('a tab whose page does not ask for morph takes the default (a three-way patch), after checking its page', async () => {
    const tab = await app.browser.open(app.dev, '/about')
    app.dev.edit('src/data/about.js', (code) => code.replace(/about v\d+/, 'about v2'))
    await tab.waitForText('#data', 'about v2')
    expect(tab.record.documents).toHaveLength(1)
    expect(tab.record.console.some((line) => line.includes('patched in place'))).toBe(true)
    // The check, and one more to learn what differs between renders of /about anyway.
    expect(tab.record.pageFetches).toEqual([`${app.dev.origin}/about`, `${app.dev.origin}/about`])
  })

  test('a morph whose page now redirects falls back to a reload, and the browser follows it', async () => {
    const tab = await app.browser.open(app.dev, '/moved')
    app.dev.write('src/data/moved.js', "export const movedTo = '/about'\n")

    // The morph's fetch of /moved gets the redirect and gives up; the reload is a document
    // request for /moved again, which the browser itself follows to /about.
    await waitUntil(() => tab.page.url() === `${app.dev.origin}/about`, 'the fallback reload')
    expect(tab.record.pageFetches[0]).toBe(`${app.dev.origin}/moved`)
    expect(tab.record.documents.slice(0, 3)).toEqual([
      `${app.dev.origin}/moved`,
      `${app.dev.origin}/moved`,
      `${app.dev.origin}/about`,
    ])
    expect(await tab.text('#title')).toContain('About')
  })

  test('a render that fails at run time (the page answers 500) shows the error over the page, never reloads into it', async () => {
    const tab = await app.browser.open(app.dev, '/form')
    await tab.evaluate(() => (window.marker = 'kept'))
    const good = app.dev.read('src/data/form.js')
    app.dev.write('src/data/form.js', `${good}\nthrow new Error('render failed on purpose')\n`)

    await waitUntil(
      () =>
        tab.evaluate(() =>
          document.querySelector('ssr-hmr-error-overlay')?.shadowRoot?.textContent.includes('render failed on purpose'),
        ),
      'the overlay with the error',
    )
    expect(tab.record.pageFetches).toEqual([`${app.dev.origin}/form`])
    expect(tab.record.documents).toHaveLength(1)
    expect(await tab.evaluate(() => window.marker)).toBe('kept')

    // The fix renders the page again: the tab morphs to it and the overlay goes.
    const fixed = editForm()
    await tab.waitForText('#data', fixed)
    await waitUntil(
      () => tab.evaluate(() => document.querySelectorAll('vite-error-overlay, ssr-hmr-error-overlay').length === 0),
      'the overlay to go',
    )
    expect(tab.record.documents).toHaveLength(1)
    expect(await tab.evaluate(() => window.marker)).toBe('kept')
  })
})
