// The plugin adds no port and no route of its own (the browser runtime is served as a Vite
// module), uses only Vite's token-checked websocket, and never sends machine paths.

import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import WebSocket from 'ws'
import { ssrHmr } from 'vite-plugin-ssr-hmr'
import { startViteDevServer } from '../helpers/dev-server.js'
import { connectHmrClient, isUpdateEvent } from '../helpers/hmr-client.js'

const listeningServers = () => process.getActiveResourcesInfo().filter((name) => name === 'TCPServerWrap').length

describe('what the plugin exposes', () => {
  let withPlugin
  let without
  let serversWithout
  let serversWith
  beforeAll(async () => {
    const baseline = listeningServers()
    without = await startViteDevServer('basic')
    serversWithout = listeningServers() - baseline
    withPlugin = await startViteDevServer('basic', { plugins: [ssrHmr()] })
    serversWith = listeningServers() - baseline - serversWithout
    await withPlugin.loadClient('/src/entry-client.js')
    await withPlugin.fetchPage('/')
  })
  afterAll(async () => {
    await without?.close()
    await withPlugin?.close()
  })

  test('opens no port of its own', () => {
    expect(serversWith).toBe(serversWithout)
  })

  test.each(['/__ssr-hmr', '/__ssr-hmr/page', '/@ssr-hmr/runtime', '/ssr-hmr:page', '/no-such-page'])(
    'adds no route: %s answers as without the plugin',
    async (url) => {
      const [a, b] = await Promise.all([without.fetchPage(url), withPlugin.fetchPage(url)])
      expect(b.status).toBe(a.status)
    },
  )

  test('the only thing it serves is its browser runtime, as a Vite module', async () => {
    const runtime = await withPlugin.fetchPage('/@id/__x00__virtual:ssr-hmr/runtime')
    expect(runtime.status).toBe(200)
    // The entry's code imports the module that speaks to the server, itself served as a module
    // of the runtime, with the event the tab reports its page by (in code, not a comment).
    expect(runtime.text).toMatch(/^import .* from ["'][^"']*virtual:ssr-hmr\/server\.js["']/m)
    const server = await withPlugin.fetchPage('/@id/__x00__virtual:ssr-hmr/server.js')
    expect(server.status).toBe(200)
    expect(server.text).toMatch(/PAGE_EVENT = ["']ssr-hmr:page["']/)
    const absent = await without.fetchPage('/@id/__x00__virtual:ssr-hmr/runtime')
    expect(absent.status).not.toBe(200)
  })

  test("a socket without Vite's token cannot connect, so cannot report pages", async () => {
    const url = `${withPlugin.origin.replace('http', 'ws')}/`
    const socket = new WebSocket(url, 'vite-hmr', { headers: { Origin: 'http://evil.example' } })
    const outcome = await new Promise((resolve) => {
      socket.once('open', () => resolve('open'))
      socket.once('error', () => resolve('rejected'))
      socket.once('unexpected-response', () => resolve('rejected'))
    })
    socket.terminate()
    expect(outcome).toBe('rejected')
  })

  test('payloads carry root-relative paths, never machine paths', async () => {
    const home = await connectHmrClient(withPlugin, { page: '/' })
    const since = home.payloads.length
    withPlugin.edit('src/data/greeting.js', (code) => code.replace('hello v1', 'hello v2'))
    const update = await home.waitFor(isUpdateEvent, { since })
    expect(update.data.files.serverOnly).toEqual(['src/data/greeting.js'])
    expect(JSON.stringify(home.payloads)).not.toContain(withPlugin.root)
    home.close()
  })

  test('a syntax error overlay carries root-relative paths too', async () => {
    const home = await connectHmrClient(withPlugin, { page: '/' })
    const since = home.payloads.length
    withPlugin.write('src/data/greeting.js', 'export const greeting = "unterminated\n')
    const error = await home.waitFor((payload) => payload.type === 'custom' && payload.event === 'ssr-hmr:error', {
      since,
    })
    expect(JSON.stringify(error)).not.toContain(withPlugin.root)
    expect(error.data.err.id).toBe('src/data/greeting.js')
    withPlugin.write('src/data/greeting.js', "export const greeting = 'hello v3'\n")
    await home.waitFor(isUpdateEvent, { since })
    home.close()
  })
})
