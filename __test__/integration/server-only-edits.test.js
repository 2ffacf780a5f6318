// The first slice, end to end on a real Vite dev server: a server-only edit reaches exactly
// the tabs whose page depends on it; shared and client-only edits are left to Vite.

import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { ssrHmr } from 'vite-plugin-ssr-hmr'
import { startViteDevServer } from '../helpers/dev-server.js'
import { hmrClientPool, isFullReload, isUpdateEvent, isViteUpdate } from '../helpers/hmr-client.js'
import { sleep } from '../helpers/wait.js'
import { logsSince } from '../helpers/logs.js'

describe('server-only edits on a real dev server', () => {
  let dev
  beforeAll(async () => {
    dev = await startViteDevServer('basic', { plugins: [ssrHmr()] })
    await dev.loadClient('/src/entry-client.js')
    expect((await dev.fetchPage('/')).text).toContain('hello v1')
    expect((await dev.fetchPage('/about')).text).toContain('team v1')
  })
  afterAll(() => dev?.close())

  const pool = hmrClientPool(() => dev)
  const connect = pool.connect
  afterEach(async () => {
    await pool.closeAll()
  })

  test('refreshes the tab showing the page that depends on the edit, and only that tab', async () => {
    const home = await connect('/')
    const about = await connect('/about')
    const homeSince = home.payloads.length
    const aboutSince = about.payloads.length

    dev.edit('src/data/greeting.js', (code) => code.replace('hello v1', 'hello v2'))

    const update = await home.waitFor(isUpdateEvent, { since: homeSince })
    expect(update.data).toMatchObject({
      strategy: 'auto',
      files: { serverOnly: ['src/data/greeting.js'], shared: [], clientOnly: [] },
      pages: [expect.objectContaining({ url: '/' })],
      reloadAll: false,
    })
    expect((await dev.fetchPage('/')).text).toContain('hello v2')
    await sleep(200)
    expect(about.payloads.slice(aboutSince)).toEqual([])
  })

  test('a socket that never said which page it shows gets a full reload (never a stale tab)', async () => {
    const anonymous = await connect()
    const since = anonymous.payloads.length
    dev.edit('src/data/team.js', (code) => code.replace('team v1', 'team v2'))
    await anonymous.waitFor(isFullReload, { since })
    expect((await dev.fetchPage('/about')).text).toContain('team v2')
  })

  test("a shared edit gets Vite's own update in the browser, and fresh server output", async () => {
    const home = await connect('/')
    const since = home.payloads.length
    dev.edit('src/components/label.js', (code) => code.replace('label:', 'label2:'))
    await home.waitFor(isViteUpdate, { since })
    await sleep(200)
    expect(home.payloads.slice(since).filter(isUpdateEvent)).toEqual([])
    expect(home.payloads.slice(since).filter(isFullReload)).toEqual([])
    expect((await dev.fetchPage('/')).text).toContain('label2:home')
  })

  test('a client-only edit is left to Vite', async () => {
    const home = await connect('/')
    const since = home.payloads.length
    dev.edit('src/widget.js', (code) => code.replace('widget v1', 'widget v2'))
    const update = await home.waitFor(isViteUpdate, { since })
    expect(update.updates.map((u) => u.path)).toEqual(['/src/widget.js'])
    await sleep(200)
    expect(home.payloads.slice(since).filter((p) => isUpdateEvent(p) || isFullReload(p))).toEqual([])
  })

  test("logs one line per decision through Vite's logger", async () => {
    const home = await connect('/')
    const since = home.payloads.length
    const logsBefore = dev.logs.length
    dev.edit('src/data/greeting.js', (code) => code.replace(/hello v\d/, 'hello v3'))
    await home.waitFor(isUpdateEvent, { since })
    const lines = logsSince(dev, logsBefore).filter((log) => log.message.includes('ssr-hmr'))
    expect(lines).toHaveLength(1)
    expect(lines[0].message).toMatch(
      /ssr-hmr refresh 1 of \d+ tabs? \(\/\) ← src\/data\/greeting\.js, \d+ modules? invalidated, \d+\.\d\d ms$/,
    )
  })
})
