// Every kind of edit a real project makes, on real Vite 8, 7 and 6 dev servers rendering with
// `environments.ssr.runner.import`: what each tab receives, and that the next SSR response
// is fresh. One dev server per version; scenarios edit different files and wait until the
// plugin has settled, so they don't interfere.

import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { STREAM_GAP_MS } from '../helpers/burst.js'
import { isFullReload, isUpdateEvent, isViteUpdate, pageUrls } from '../helpers/hmr-client.js'
import { pageData, settleAfterEach, startAppWithPlugin, warmUp } from '../helpers/app-with-plugin.js'
import { VITE_VERSIONS } from '../helpers/vite-versions.js'
import { sleep, waitUntil } from '../helpers/wait.js'

const isError = (payload) => payload.type === 'error'

describe.each(VITE_VERSIONS)('edits on $name (module runner)', ({ load }) => {
  let app
  let outside
  beforeAll(async () => {
    outside = mkdtempSync(path.join(os.tmpdir(), 'ssr-hmr-outside-'))
    writeFileSync(path.join(outside, 'settings.json'), '{}')
    app = await startAppWithPlugin(await load(), {
      pluginOptions: { watch: ['content/**', path.join(outside, '**/*.json')] },
    })
    await warmUp(app)
  })
  afterAll(async () => {
    await app?.close()
    rmSync(outside, { recursive: true, force: true })
  })
  afterEach(() => settleAfterEach(app))

  const evaluated = (file) =>
    app.server.environments.ssr.runner.evaluatedModules.getModuleById(app.file(file))?.evaluated === true

  test('a server-only edit behind a barrel refreshes only the tab whose page uses it, with no program reload', async () => {
    const home = await app.openTab('/')
    const about = await app.openTab('/about')
    const ssrChannel = app.watchChannel('ssr')
    const homeSince = home.mark()
    const aboutSince = about.mark()
    expect(evaluated('src/routes/about.js')).toBe(true)

    app.edit('src/data/greeting.js', (code) => code.replace('hello v1', 'hello v2'))

    const update = await home.waitFor(isUpdateEvent, { since: homeSince })
    // Invalidated in the runner itself, not only in Vite's graph.
    expect(evaluated('src/data/greeting.js')).toBe(false)
    expect(evaluated('src/data/index.js')).toBe(false)
    expect(update.data).toMatchObject({
      strategy: 'auto',
      files: { serverOnly: ['src/data/greeting.js'], shared: [], clientOnly: [], watched: [] },
      pages: [expect.objectContaining({ url: '/' })],
      reloadAll: false,
    })
    expect(await pageData(app, '/')).toBe('hello v2 #1')
    await app.settle()
    expect(aboutSince()).toEqual([])
    expect(homeSince().filter((payload) => isFullReload(payload) || isViteUpdate(payload))).toEqual([])
    // Only the chain was invalidated: the runner kept every other module, and got no reload.
    expect(ssrChannel().filter(isFullReload)).toEqual([])
    expect(evaluated('src/routes/about.js')).toBe(true)
  })

  test('an edit at the end of an import() chain refreshes the page that took it', async () => {
    const lazy = await app.openTab('/lazy')
    const home = await app.openTab('/')
    const lazySince = lazy.mark()
    const homeSince = home.mark()
    const ssrChannel = app.watchChannel('ssr')

    app.edit('src/lazy/step-b.js', (code) => code.replace('leaf v1', 'leaf v2'))

    await lazy.waitFor(isUpdateEvent, { since: lazySince })
    expect(pageUrls(lazySince().find(isUpdateEvent).data)).toEqual(['/lazy'])
    expect(await pageData(app, '/lazy')).toBe('a>leaf v2')
    await app.settle()
    expect(homeSince()).toEqual([])
    expect(ssrChannel().filter(isFullReload)).toEqual([])
  })

  test("a shared edit gets Vite's own update in the browser and fresh server output", async () => {
    const home = await app.openTab('/')
    const since = home.mark()
    const ssrChannel = app.watchChannel('ssr')

    app.edit('src/components/label.js', (code) => code.replace('label:', 'label2:'))

    await home.waitFor(isViteUpdate, { since })
    expect((await app.fetchPage('/')).text).toContain('label2:home')
    await app.settle()
    expect(since().filter((payload) => isUpdateEvent(payload) || isFullReload(payload))).toEqual([])
    // The plugin invalidated the server side itself: the runner got no program reload.
    expect(ssrChannel().filter(isFullReload)).toEqual([])
    expect(evaluated('src/routes/lazy.js')).toBe(true)
  })

  test('a client-only edit is left to Vite, and the server runner is not touched', async () => {
    const home = await app.openTab('/')
    const since = home.mark()
    const ssrChannel = app.watchChannel('ssr')

    app.edit('src/widget.js', (code) => code.replace('widget v1', 'widget v2'))

    await home.waitFor(isViteUpdate, { since })
    await app.settle()
    expect(
      since()
        .filter(isViteUpdate)
        .flatMap((payload) => payload.updates.map((update) => update.path)),
    ).toEqual(['/src/widget.js'])
    expect(since().filter((payload) => isUpdateEvent(payload) || isFullReload(payload))).toEqual([])
    expect(ssrChannel()).toEqual([])
    expect(evaluated('src/routes/home.js')).toBe(true)
  })

  test("a burst of server-only, shared and client-only edits gives Vite's update and a refresh", async () => {
    const home = await app.openTab('/')
    const since = home.mark()
    const ssrChannel = app.watchChannel('ssr')

    app.edit('src/data/count.js', (code) => code.replace('count = 1', 'count = 2'))
    app.edit('src/components/label.js', (code) => code.replace(/label\d?:/, 'label3:'))
    app.edit('src/widget.js', (code) => code.replace(/widget v\d/, 'widget v3'))

    await home.waitFor(isUpdateEvent, { since })
    await home.waitFor(isViteUpdate, { since })
    await app.settle()
    // One decision as a rule; a heavily loaded machine may deliver the watcher's events more
    // than the 30 ms quiet window apart, and then each part is still handled right.
    const updates = since().filter(isUpdateEvent)
    expect(updates.length).toBeGreaterThanOrEqual(1)
    expect(updates.length).toBeLessThanOrEqual(2)
    const files = (key) => [...new Set(updates.flatMap((update) => update.data.files[key]))]
    expect(files('serverOnly')).toEqual(['src/data/count.js'])
    const vitePaths = since()
      .filter(isViteUpdate)
      .flatMap((payload) => payload.updates.map((update) => update.path))
    expect(vitePaths).toContain('/src/widget.js')
    expect(vitePaths).toContain('/src/entry-client.js')
    const { text } = await app.fetchPage('/')
    expect(text).toContain('label3:home')
    expect(text).toContain('#2')
    expect(ssrChannel().filter(isFullReload)).toEqual([])
  })

  test("a server module that accepts HMR itself keeps Vite's runner update; the tab is still refreshed", async () => {
    const tab = await app.openTab('/accepting')
    const since = tab.mark()
    const ssrChannel = app.watchChannel('ssr')

    app.edit('src/data/accepted-value.js', (code) => code.replace('accepted v1', 'accepted v2'))

    await tab.waitFor(isUpdateEvent, { since })
    expect(pageUrls(since().find(isUpdateEvent).data)).toEqual(['/accepting'])
    await app.settle()
    expect(
      ssrChannel()
        .filter((payload) => payload.type === 'update')
        .flatMap((payload) => payload.updates.map((u) => u.path)),
    ).toEqual(['/src/routes/accepting.js'])
    expect(ssrChannel().filter(isFullReload)).toEqual([])
    expect(await pageData(app, '/accepting')).toBe('accepted v2')
  })

  // A lone save is acted on at once: when the first write is read before the second lands, the
  // second (which the watcher drops, inside its throttle) is reported late and refreshes again.
  // A burst, then: at most two refreshes, the last on the final content.
  test('an editor writing the same file twice in a row gives at most two refreshes, the last with the last content', async () => {
    const tab = await app.openTab('/about')
    const since = tab.mark()

    app.edit('src/data/team.js', (code) => code.replace('team v1', 'team v2'))
    await new Promise((resolve) => setTimeout(resolve, 5))
    app.edit('src/data/team.js', (code) => code.replace('team v2', 'team v3'))

    await tab.waitFor(isUpdateEvent, { since })
    await app.settle()
    expect(since().filter(isUpdateEvent).length).toBeGreaterThanOrEqual(1)
    expect(since().filter(isUpdateEvent).length).toBeLessThanOrEqual(2)
    expect(await pageData(app, '/about')).toBe('team v3')
  })

  // A busy dev server (a render, a transform) hears of an edit late. Edits written 30 ms apart
  // but reported further apart than the stream gap are still one burst: the second decision
  // is `settling` (tabs fold it into a trailing refresh), not a second lone edit.
  test('an edit written right after another but reported late continues its burst', async () => {
    const tab = await app.openTab('/about')
    const since = tab.mark()
    const file = app.file('src/data/team.js')
    // Past the stream gap since the last test's edits: the first edit is a lone one.
    await sleep(STREAM_GAP_MS)
    app.write('src/data/team.js', "export const team = 'team late 1'\n")
    const firstWritten = statSync(file).mtimeMs
    await sleep(STREAM_GAP_MS + 120)
    // Written 30 ms after the first, as the file's time says; the watcher reports it now.
    app.write('src/data/team.js', "export const team = 'team late 2'\n")
    const when = new Date(firstWritten + 30)
    utimesSync(file, when, when)

    await waitUntil(() => since().filter(isUpdateEvent).length >= 2, 'two updates', { timeout: 5000 })
    await app.settle()
    expect(
      since()
        .filter(isUpdateEvent)
        .map((update) => update.data.settling),
    ).toEqual([false, true])
    expect(await pageData(app, '/about')).toBe('team late 2')
  })

  test('a second write the watcher drops (inside its 50 ms throttle) still ends with the last content', async () => {
    const tab = await app.openTab('/about')
    const since = tab.mark()
    app.write('src/data/team.js', "export const team = 'team first'\n")
    await new Promise((resolve) => setTimeout(resolve, 40))
    app.write('src/data/team.js', "export const team = 'team second'\n")

    await tab.waitFor(isUpdateEvent, { since })
    await sleep(150)
    await app.settle()
    expect(await pageData(app, '/about')).toBe('team second')
    expect(since().filter(isUpdateEvent).length).toBeGreaterThanOrEqual(1)
  })

  test('a half-written (still empty) file is not acted on until its content is there', async () => {
    const tab = await app.openTab('/about')
    const since = tab.mark()
    const content = "export const team = 'team v4'\n"

    app.write('src/data/team.js', '')
    setTimeout(() => app.write('src/data/team.js', content), 25)

    await tab.waitFor(isUpdateEvent, { since })
    await app.settle()
    expect(since().filter(isUpdateEvent)).toHaveLength(1)
    expect(since().filter(isError)).toEqual([])
    expect(await pageData(app, '/about')).toBe('team v4')
  })

  test('a text file the server imports with ?raw refreshes its page (and is not compiled as code)', async () => {
    const tab = await app.openTab('/notes')
    const since = tab.mark()

    app.write('src/notes/intro.md', 'notes v2\n')

    const update = await tab.waitFor(isUpdateEvent, { since })
    expect(update.data.files.serverOnly).toEqual(['src/notes/intro.md'])
    expect(since().filter(isError)).toEqual([])
    expect(await pageData(app, '/notes')).toBe('notes v2')
  })

  test('a file outside the graph matched by `watch` refreshes every tab', async () => {
    const content = await app.openTab('/content')
    const about = await app.openTab('/about')
    const contentSince = content.mark()
    const aboutSince = about.mark()

    app.write('content/page.json', '{ "title": "content v2" }')

    await content.waitFor(isUpdateEvent, { since: contentSince })
    await about.waitFor(isUpdateEvent, { since: aboutSince })
    expect(contentSince().find(isUpdateEvent).data).toMatchObject({
      reloadAll: true,
      files: { watched: ['content/page.json'] },
    })
    expect(await pageData(app, '/content')).toBe('content v2')
  })

  test('a `watch` glob outside the root is watched too', async () => {
    const tab = await app.openTab('/about')
    const since = tab.mark()

    writeFileSync(path.join(outside, 'settings.json'), '{ "changed": true }')

    const update = await tab.waitFor(isUpdateEvent, { since })
    expect(update.data.reloadAll).toBe(true)
    expect(update.data.files.watched).toEqual([
      path.relative(app.root, path.join(outside, 'settings.json')).split(path.sep).join('/'),
    ])
  })

  test("a closed tab is forgotten (Vite before 7.2 has no vite:client:disconnect: the socket's close is heard)", async () => {
    const openTabs = () => JSON.parse(app.session.core.stats()).tabs
    await app.settle()
    const before = openTabs()
    const tab = await app.openTab('/about')
    expect(openTabs()).toBe(before + 1)
    tab.close()
    expect(await waitUntil(() => openTabs() === before, 'the closed tab to be forgotten', { timeout: 5000 })).toBe(true)
  })
})
