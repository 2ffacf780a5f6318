// A failure inside the native core must never take the dev server down: the plugin logs one
// warning with the cause, reloads every tab (the always-safe action), and the next edit is
// handled normally.

import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ssrHmr } from 'vite-plugin-ssr-hmr'
import { pluginStateOf, startDevServer } from '../helpers/dev-server.js'
import { connectHmrClient, isFullReload, isUpdateEvent, pageUrls } from '../helpers/hmr-client.js'

describe('a panic inside the Rust core', () => {
  let dev
  let pluginState
  beforeAll(async () => {
    const plugins = ssrHmr()
    pluginState = pluginStateOf(plugins)
    dev = await startDevServer('basic', { plugins })
    await dev.loadClient('/src/entry-client.js')
    await dev.fetchPage('/')
    await dev.fetchPage('/about')
  })
  afterAll(() => dev?.close())

  test('falls back to reloading every tab, keeps serving, and the next edit behaves', async () => {
    const home = await connectHmrClient(dev, { page: '/' })
    const about = await connectHmrClient(dev, { page: '/about' })
    const core = pluginState.sessionOf(dev.server.environments.ssr).core
    core.__injectPanicOnNextChange()

    let since = [home.payloads.length, about.payloads.length]
    const logsBefore = dev.logs.length
    dev.edit('src/data/greeting.js', (code) => code.replace('hello v1', 'hello v2'))
    // Both tabs reload, although only / depends on the edit: safety first.
    await home.waitFor(isFullReload, { since: since[0] })
    await about.waitFor(isFullReload, { since: since[1] })
    const warnings = dev.logs.slice(logsBefore).filter((log) => log.level === 'warn')
    expect(warnings).toHaveLength(1)
    expect(warnings[0].message).toMatch(/\[ssr-hmr\] deciding failed, reloading every tab instead: .*fault injected by a test/)

    const page = await dev.fetchPage('/')
    expect(page.status).toBe(200)
    expect(page.text).toContain('hello v2')

    since = [home.payloads.length, about.payloads.length]
    dev.edit('src/data/greeting.js', (code) => code.replace('hello v2', 'hello v3'))
    const update = await home.waitFor(isUpdateEvent, { since: since[0] })
    expect(pageUrls(update.data)).toEqual(['/'])
    expect(about.payloads.slice(since[1]).filter((payload) => isUpdateEvent(payload) || isFullReload(payload))).toEqual([])
    expect((await dev.fetchPage('/')).text).toContain('hello v3')
    home.close()
    about.close()
  })
})
