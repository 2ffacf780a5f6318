// Which environments the plugin decides for, and how each kind is carried out, on real
// Vite 8, 7 and 6 dev servers: a custom runnable server environment is invalidated in place,
// one with its own runtime gets `full-reload` on its own channel, and an app rendering with
// `ssrLoadModule` (Vite's compatibility runner) is handled like one rendering with the runner.

import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { isFullReload, isUpdateEvent, isViteUpdate, pageUrls } from '../helpers/hmr-client.js'
import { pageData, settleAfterEach, startAppWithPlugin, warmUp } from '../helpers/app-with-plugin.js'
import { VITE_VERSIONS } from '../helpers/vite-versions.js'
import { waitUntil } from '../helpers/wait.js'

describe.each(VITE_VERSIONS)('server environments on $name', ({ load }) => {
  let app
  beforeAll(async () => {
    app = await startAppWithPlugin(await load())
    await warmUp(app, ['/', '/edge', '/worker'])
  })
  afterAll(() => app?.close())
  afterEach(() => settleAfterEach(app))

  test('every environment whose consumer is "server" is decided for by default', () => {
    const session = app.session
    const decided = Object.values(app.server.environments).filter(
      (environment) => session.consumerOf(environment) === 'server',
    )
    expect(decided.map((environment) => environment.name).sort()).toEqual(['edge', 'ssr', 'worker'])
  })

  test('an edit only a custom runnable environment runs refreshes its page, with no program reload', async () => {
    const edge = await app.openTab('/edge')
    const home = await app.openTab('/')
    const since = edge.mark()
    const homeSince = home.mark()
    const edgeChannel = app.watchChannel('edge')

    app.edit('src/edge/message.js', (code) => code.replace('edge v1', 'edge v2'))

    const update = await edge.waitFor(isUpdateEvent, { since })
    expect(pageUrls(update.data)).toEqual(['/edge'])
    expect(await pageData(app, '/edge')).toBe('edge v2')
    await app.settle()
    expect(homeSince()).toEqual([])
    expect(edgeChannel().filter(isFullReload)).toEqual([])
    const runner = app.server.environments.edge.runner
    expect(runner.evaluatedModules.getModuleById(app.file('src/edge/handler.js'))?.evaluated).toBe(true)
  })

  test('an environment with its own runtime gets full-reload on its own channel; its page refreshes', async () => {
    const worker = await app.openTab('/worker')
    const since = worker.mark()
    const workerChannel = app.watchChannel('worker')

    app.edit('src/worker/message.js', (code) => code.replace('worker v1', 'worker v2'))

    const update = await worker.waitFor(isUpdateEvent, { since })
    expect(pageUrls(update.data)).toEqual(['/worker'])
    await app.settle()
    expect(workerChannel()).toEqual([
      { type: 'full-reload', triggeredBy: app.file('src/worker/message.js'), path: '*' },
    ])
    expect(await pageData(app, '/worker')).toBe('worker v2')
  })
})

describe.each(VITE_VERSIONS)('the `environments` option on $name', ({ load }) => {
  let app
  beforeAll(async () => {
    app = await startAppWithPlugin(await load(), { pluginOptions: { environments: ['ssr', 'worker'] } })
    await warmUp(app, ['/', '/edge'])
  })
  afterAll(() => app?.close())
  afterEach(() => settleAfterEach(app))

  test("an environment left out is left to Vite: no refresh from the plugin, Vite's own reload there", async () => {
    expect(app.session.consumerOf(app.server.environments.edge)).toBeUndefined()
    const edge = await app.openTab('/edge')
    const since = edge.mark()
    const edgeChannel = app.watchChannel('edge')

    app.edit('src/edge/message.js', (code) => code.replace('edge v1', 'edge v3'))

    expect(
      await waitUntil(() => edgeChannel().some(isFullReload), 'a full reload on the edge channel', { timeout: 5000 }),
    ).toBe(true)
    await app.settle()
    expect(since().filter(isUpdateEvent)).toEqual([])
    expect(edgeChannel().filter(isFullReload)).toHaveLength(1)
    expect(await pageData(app, '/edge')).toBe('edge v3')
  })

  test('a listed environment is still decided for', async () => {
    const home = await app.openTab('/')
    const since = home.mark()
    app.edit('src/data/greeting.js', (code) => code.replace('hello v1', 'hello listed'))
    await home.waitFor(isUpdateEvent, { since })
    expect(await pageData(app, '/')).toBe('hello listed #1')
  })
})

describe.each(VITE_VERSIONS)('an app rendering with ssrLoadModule on $name', ({ load }) => {
  let app
  beforeAll(async () => {
    // The option as a function, here: every server environment but the worker.
    app = await startAppWithPlugin(await load(), {
      mode: 'ssrLoadModule',
      pluginOptions: { environments: (environment) => environment.name !== 'worker' },
    })
    await warmUp(app, ['/', '/about', '/accepting'])
  })
  afterAll(() => app?.close())
  afterEach(() => settleAfterEach(app))

  test('`environments` as a function picks the environments decided for', () => {
    const decided = Object.values(app.server.environments).filter(
      (environment) => app.session.consumerOf(environment) === 'server',
    )
    expect(decided.map((environment) => environment.name).sort()).toEqual(['edge', 'ssr'])
  })

  const compatRunner = () => app.server._ssrCompatModuleRunner
  const evaluated = (file) => compatRunner().evaluatedModules.getModuleById(app.file(file))?.evaluated === true

  test('a server-only edit refreshes its tab and invalidates only its chain in the compatibility runner', async () => {
    const home = await app.openTab('/')
    const since = home.mark()
    expect(evaluated('src/routes/about.js')).toBe(true)
    expect(evaluated('src/data/greeting.js')).toBe(true)

    app.edit('src/data/greeting.js', (code) => code.replace('hello v1', 'hello compat'))

    await home.waitFor(isUpdateEvent, { since })
    expect(evaluated('src/data/greeting.js')).toBe(false)
    expect(evaluated('src/routes/about.js')).toBe(true)
    expect(await pageData(app, '/')).toBe('hello compat #1')
  })

  test("a shared edit gets Vite's update in the browser and fresh server output", async () => {
    const home = await app.openTab('/')
    const since = home.mark()
    app.edit('src/components/label.js', (code) => code.replace('label:', 'compat-label:'))
    await home.waitFor(isViteUpdate, { since })
    await app.settle()
    expect(since().filter((payload) => isUpdateEvent(payload) || isFullReload(payload))).toEqual([])
    expect((await app.fetchPage('/about')).text).toContain('compat-label:about')
  })

  test('a self-accepting server module: the tab is refreshed and the page is fresh', async () => {
    const tab = await app.openTab('/accepting')
    const since = tab.mark()
    app.edit('src/data/accepted-value.js', (code) => code.replace('accepted v1', 'accepted compat'))
    await tab.waitFor(isUpdateEvent, { since })
    expect(await pageData(app, '/accepting')).toBe('accepted compat')
  })
})
