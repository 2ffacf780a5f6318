// CSS in every form a server-rendered page uses it, on real Vite 8, 7 and 6 dev servers:
// plain imports and CSS modules the browser also loads are Vite's business; a string of CSS
// the server inlines into the page (`?raw`, `?inline`) or a CSS module only the server uses
// leaves the open page stale, so its tab is refreshed.

import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { isFullReload, isUpdateEvent, isViteUpdate, pageUrls } from '../helpers/hmr-client.js'
import { settleAfterEach, startAppWithPlugin, warmUp } from '../helpers/app-with-plugin.js'
import { VITE_VERSIONS } from '../helpers/vite-versions.js'

const vitePaths = (payloads) =>
  payloads.filter(isViteUpdate).flatMap((payload) => payload.updates.map((update) => update.path))

describe.each(VITE_VERSIONS)('CSS on $name', ({ load }) => {
  let app
  beforeAll(async () => {
    app = await startAppWithPlugin(await load())
    await warmUp(app, ['/styles'])
  })
  afterAll(() => app?.close())
  afterEach(() => settleAfterEach(app))

  const stylesPage = async () => (await app.fetchPage('/styles')).text
  const styleTag = (html, id) => new RegExp(`<style id="${id}">([^<]*)</style>`).exec(html)?.[1].trim()
  const classOf = (html, id) => new RegExp(`id="${id}" class="([^"]*)"`).exec(html)?.[1]

  test("a plain stylesheet the browser loads too gets Vite's CSS update only", async () => {
    const tab = await app.openTab('/styles')
    const since = tab.mark()
    const ssrChannel = app.watchChannel('ssr')

    app.edit('src/styles/plain.css', (css) => css.replace('red', 'blue'))

    await tab.waitFor(isViteUpdate, { since })
    await app.settle()
    expect(vitePaths(since())).toEqual(['/src/styles/plain.css'])
    expect(since().filter((payload) => isUpdateEvent(payload) || isFullReload(payload))).toEqual([])
    expect(ssrChannel().filter(isFullReload)).toEqual([])
    expect((await app.fetchPage('/styles')).status).toBe(200)
  })

  test("CSS the server inlines with ?raw refreshes the page (and the browser's own copy is hot-updated)", async () => {
    const tab = await app.openTab('/styles')
    const since = tab.mark()

    app.edit('src/styles/raw.css', (css) => css.replace('red', 'blue'))

    const update = await tab.waitFor(isUpdateEvent, { since })
    expect(update.data.files.serverOnly).toEqual(['src/styles/raw.css'])
    expect(pageUrls(update.data)).toEqual(['/styles'])
    await app.settle()
    expect(vitePaths(since())).toEqual(['/src/styles/raw.css'])
    expect(styleTag(await stylesPage(), 'raw')).toBe('.raw { color: blue; }')
  })

  // `?inline` is a string export, like `?raw`: the server inlined the old CSS text, so the
  // tab is refreshed although the browser got Vite's update for its own plain import.
  test('CSS the server inlines with ?inline refreshes the page too', async () => {
    const tab = await app.openTab('/styles')
    const since = tab.mark()

    app.edit('src/styles/inline.css', (css) => css.replace('red', 'blue'))

    const update = await tab.waitFor(isUpdateEvent, { since })
    expect(update.data.files.serverOnly).toEqual(['src/styles/inline.css'])
    await app.settle()
    expect(vitePaths(since())).toEqual(['/src/styles/inline.css'])
    expect(styleTag(await stylesPage(), 'inline')).toBe('.inline { color: blue; }')
  })

  test("a CSS module the browser loads too gets Vite's update; the server renders the new class", async () => {
    const tab = await app.openTab('/styles')
    const since = tab.mark()
    const ssrChannel = app.watchChannel('ssr')
    const before = classOf(await stylesPage(), 'card')

    app.edit('src/styles/card.module.css', (css) => css.replace('red', 'blue'))

    await tab.waitFor(isViteUpdate, { since })
    await app.settle()
    expect(vitePaths(since())).toEqual(['/src/entry-client.js'])
    expect(since().filter((payload) => isUpdateEvent(payload) || isFullReload(payload))).toEqual([])
    expect(ssrChannel().filter(isFullReload)).toEqual([])
    const after = classOf(await stylesPage(), 'card')
    expect(after).toMatch(/^_card_/)
    expect(after).not.toBe(before)
  })

  test('a CSS module only the server uses refreshes the page, which renders the new class', async () => {
    const tab = await app.openTab('/styles')
    const since = tab.mark()
    const before = classOf(await stylesPage(), 'note')

    app.edit('src/styles/server.module.css', (css) => css.replace('red', 'blue'))

    const update = await tab.waitFor(isUpdateEvent, { since })
    expect(update.data.files.serverOnly).toEqual(['src/styles/server.module.css'])
    await app.settle()
    expect(vitePaths(since())).toEqual([])
    const after = classOf(await stylesPage(), 'note')
    expect(after).toMatch(/^_note_/)
    expect(after).not.toBe(before)
  })
})
