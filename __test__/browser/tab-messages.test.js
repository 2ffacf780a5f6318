// What the browser runtime and the server say to each other, checked at the websocket (the
// same frames Chromium sends, from a plain client): page reports are untrusted and bounded,
// and a socket that has not reported its page yet (a tab still loading) is neither forgotten
// nor reloaded early.

import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { ssrHmr } from 'vite-plugin-ssr-hmr'
import { pluginStateOf, startViteDevServer } from '../helpers/dev-server.js'
import { hmrClientPool, isFullReload, isUpdateEvent, pageUrls } from '../helpers/hmr-client.js'
import { waitUntil } from '../helpers/wait.js'

describe('tab messages', () => {
  let dev
  let state
  beforeAll(async () => {
    const plugins = ssrHmr()
    state = pluginStateOf(plugins)
    dev = await startViteDevServer('browser-app', { plugins })
    // Render both pages once, so the server knows what each depends on.
    for (const url of ['/', '/about']) expect((await dev.fetchPage(url)).status).toBe(200)
  })
  afterAll(() => dev?.close())

  const pool = hmrClientPool(() => dev)
  const connect = pool.connect
  afterEach(async () => {
    await pool.closeAll()
    await waitUntil(() => stats().tabs === 0, 'closed sockets to be forgotten')
  })

  const stats = () => JSON.parse(state.sessionOfServer(dev.server).core.stats())
  let version = 1
  const editAbout = () => dev.edit('src/data/about.js', (code) => code.replace(/about v\d+/, `about v${++version}`))

  test('invalid page reports are ignored', async () => {
    const client = await connect()
    const invalid = [
      undefined,
      'just a string',
      { url: 42 },
      { url: '' },
      { url: 'about' },
      { url: '//elsewhere.example/' },
      { url: 'https://elsewhere.example/' },
      { url: `/${'x'.repeat(5000)}` },
      { url: '/\u001b[31mred' },
      { url: '/line\nbreak' },
    ]
    for (const data of invalid) client.send('ssr-hmr:page', data)
    await client.showPage('/about')
    expect(stats().tabs).toBe(1)
    // Only the valid report counts: the tab is on /about.
    const since = client.payloads.length
    editAbout()
    await client.waitFor(isUpdateEvent, { since })
  })

  test('a flood of reports from one socket keeps one tab and a bounded number of pages', async () => {
    const client = await connect('/')
    for (let i = 0; i < 3000; i++) client.send('ssr-hmr:page', { url: `/flood/${i}?q=${'y'.repeat(100)}` })
    await client.showPage('/about')
    await waitUntil(() => stats().tabs === 1, 'the reports to be handled')
    expect(stats().pages).toBeLessThanOrEqual(1024)
    // It follows the last report.
    const since = client.payloads.length
    editAbout()
    await client.waitFor(isUpdateEvent, { since })
  })

  test('a socket that reports its page just after a decision gets the update if its page is affected', async () => {
    const witness = await connect('/about')
    const about = await connect()
    const home = await connect()
    const silent = await connect()
    editAbout()
    // The decision is carried out (the witness has it) while the others have not said which
    // page they show.
    await witness.waitFor(isUpdateEvent)
    about.send('ssr-hmr:page', { url: '/about' })
    home.send('ssr-hmr:page', { url: '/' })
    const update = await about.waitFor(isUpdateEvent)
    expect(pageUrls(update.data)).toEqual(['/about'])
    // Once the grace period is over (the silent socket is reloaded), the home socket still
    // has nothing, and neither got a full reload.
    await silent.waitFor(isFullReload, { timeout: 5000 })
    expect(home.payloads.filter((payload) => isUpdateEvent(payload) || isFullReload(payload))).toEqual([])
    expect(about.payloads.filter(isFullReload)).toEqual([])
  })

  test('a socket that never reports its page gets a full reload after a grace period', async () => {
    const silent = await connect()
    editAbout()
    await silent.waitFor(isFullReload, { timeout: 5000 })
    expect(silent.payloads.filter(isUpdateEvent)).toEqual([])
  })
})
