// How the plugin lives with the dev server, on real Vite 8, 7 and 6: Vite's own http server
// as well as middleware mode, `server.hmr: false`, restarts (a `.env` change and
// `server.restart()`) that must leave nothing of the old session behind, and Vite 8's
// experimental bundled dev mode, where the plugin stays inactive with one warning.

import { afterEach, describe, expect, test } from 'vitest'
import { isUpdateEvent, pageUrls } from '../helpers/hmr-client.js'
import { pageData, startAppWithPlugin, warmUp } from '../helpers/app-with-plugin.js'
import { VITE_VERSIONS } from '../helpers/vite-versions.js'
import { sleep } from '../helpers/wait.js'

describe.each(VITE_VERSIONS)('lifecycle on $name', ({ load, major }) => {
  let app
  afterEach(async () => {
    await app?.close()
    app = undefined
  })

  test("on Vite's own http server (not middleware mode) a server-only edit refreshes its tab", async () => {
    app = await startAppWithPlugin(await load(), { listen: true })
    await warmUp(app, ['/', '/about'])
    const tab = await app.openTab('/')
    const since = tab.mark()

    app.edit('src/data/greeting.js', (code) => code.replace('hello v1', 'hello listen'))

    const update = await tab.waitFor(isUpdateEvent, { since })
    expect(pageUrls(update.data)).toEqual(['/'])
    expect(await pageData(app, '/')).toBe('hello listen #1')
  })

  test('server.hmr: false: the plugin stays inactive; Vite alone keeps the server fresh', async () => {
    app = await startAppWithPlugin(await load(), { listen: true, config: { server: { hmr: false } } })
    await warmUp(app, ['/', '/about'])
    expect(app.state.liveSessions).toBe(0)
    const tab = await app.openTab('/')
    const since = tab.mark()
    const ssrChannel = app.watchChannel('ssr')

    app.edit('src/data/greeting.js', (code) => code.replace('hello v1', 'hello no-hmr'))

    await app.settle()
    await sleep(100)
    expect(since()).toEqual([])
    expect(ssrChannel()).toEqual([])
    expect(await pageData(app, '/')).toBe('hello no-hmr #1')
    expect(app.pluginLogs()).toEqual([])
  })

  test.each([
    ['a .env change', (app) => app.write('.env', 'VITE_SSR_HMR_TEST=1\n')],
    ['server.restart()', (app) => app.server.restart()],
  ])('a restart by %s leaves nothing of the old session, and the new server works at once', async (_, restart) => {
    app = await startAppWithPlugin(await load())
    await warmUp(app, ['/', '/about'])
    const oldSession = app.session
    const oldSsr = app.server.environments.ssr
    expect(app.state.liveSessions).toBe(1)
    expect(Object.hasOwn(oldSsr, 'fetchModule')).toBe(true) // page tracking wraps it

    await restart(app)
    for (let i = 0; i < 200 && app.server.environments.ssr === oldSsr; i++) await sleep(20)
    expect(app.server.environments.ssr).not.toBe(oldSsr)

    // The old session: disposed, its native state dropped, its wrappers removed.
    expect(oldSession.disposed).toBe(true)
    expect(JSON.parse(oldSession.core.stats())).toMatchObject({ environments: 0, modules: 0, pages: 0, pending: 0 })
    expect(Object.hasOwn(oldSsr, 'fetchModule')).toBe(false)
    expect(app.state.liveSessions).toBe(1)
    expect(app.session).not.toBe(oldSession)
    expect(app.session.environments).toBe(app.server.environments)

    // The new server: a tab opened on it is refreshed by the next edit, the page is fresh.
    await warmUp(app, ['/', '/about'])
    const tab = await app.openTab('/')
    const since = tab.mark()
    app.edit('src/data/greeting.js', (code) => code.replace('hello v1', 'hello restarted'))
    const update = await tab.waitFor(isUpdateEvent, { since })
    expect(pageUrls(update.data)).toEqual(['/'])
    expect(await pageData(app, '/')).toBe('hello restarted #1')

    const state = app.state
    const session = app.session
    await app.close()
    app = undefined
    expect(session.disposed).toBe(true)
    expect(state.liveSessions).toBe(0)
  })

  test.skipIf(major < 8)('bundled dev mode (experimental): inactive, with one warning', async () => {
    app = await startAppWithPlugin(await load(), { config: { experimental: { bundledDev: true } } })
    const warnings = app.logs.filter((log) => log.level === 'warn' && log.message.includes('ssr-hmr'))
    expect(warnings.map((log) => log.message)).toEqual([
      expect.stringContaining('bundled dev mode (experimental.bundledDev) is not supported'),
    ])
    expect(app.state.liveSessions).toBe(0)
    app.edit('src/data/greeting.js', (code) => code.replace('hello v1', 'hello bundled'))
    await sleep(150)
    expect(app.pluginLogs().filter((log) => log.level !== 'warn')).toEqual([])
  })
})
