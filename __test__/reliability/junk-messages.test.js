// Messages from the browser are untrusted. A flood of junk (wrong types, huge strings,
// hostile URLs, many sockets) must leave memory flat, state bounded and the server healthy.

import v8 from 'node:v8'
import vm from 'node:vm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ssrHmr } from 'vite-plugin-ssr-hmr'
import { pluginStateOf, startViteDevServer } from '../helpers/dev-server.js'
import { connectHmrClient, isUpdateEvent, pageUrls } from '../helpers/hmr-client.js'

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc')

function heapUsed() {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

const megabytes = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`

function junkMessage(index) {
  const huge = 'x'.repeat(64 * 1024)
  switch (index % 10) {
    case 0:
      return { url: huge }
    case 1:
      return { url: 42 }
    case 2:
      return null
    case 3:
      return { url: `http://evil.example/${index}` }
    case 4:
      return { url: `//evil.example/${index}` }
    case 5:
      return { url: '' }
    case 6:
      return { nested: { url: '/' }, junk: huge }
    case 7:
      return [`/${index}`]
    case 8:
      return { url: `/page-${index}?q=${'y'.repeat(1000)}` } // valid: moves this tab
    default:
      return `/${index}`
  }
}

describe('10,000 junk messages from browsers', () => {
  let dev
  let pluginState
  beforeAll(async () => {
    const plugins = ssrHmr()
    pluginState = pluginStateOf(plugins)
    dev = await startViteDevServer('basic', { plugins })
    await dev.loadClient('/src/entry-client.js')
    await dev.fetchPage('/')
  })
  afterAll(() => dev?.close())

  test('leave memory flat, tabs bounded and the server healthy', async () => {
    const core = pluginState.sessionOf(dev.server.environments.ssr).core
    const sockets = await Promise.all(Array.from({ length: 20 }, () => connectHmrClient(dev)))
    const before = heapUsed()
    const socketsWithValidPage = new Set()
    for (let index = 0; index < 10_000; index++) {
      const socket = sockets[index % sockets.length]
      if (index % 3 === 0) {
        socket.send('ssr-hmr:unknown', junkMessage(index))
      } else {
        socket.send('ssr-hmr:page', junkMessage(index))
        if (index % 10 === 8) socketsWithValidPage.add(socket)
      }
    }
    const stats = () => JSON.parse(core.stats())
    // Only valid URLs ever become tabs, one per socket at most, whatever the flood.
    await expect.poll(() => stats().tabs, { timeout: 20_000 }).toBe(socketsWithValidPage.size)
    for (const socket of sockets) socket.close()
    // Closed sockets are forgotten.
    await expect.poll(() => stats().tabs, { timeout: 20_000 }).toBe(0)
    const after = heapUsed()
    console.log(`heap before ${megabytes(before)}, after ${megabytes(after)}; core: ${JSON.stringify(stats())}`)
    expect(stats().pages).toBeLessThanOrEqual(1024)
    expect(after - before).toBeLessThan(16 * 1024 * 1024)

    const page = await dev.fetchPage('/')
    expect(page.status).toBe(200)
    const home = await connectHmrClient(dev, { page: '/' })
    const since = home.payloads.length
    dev.edit('src/data/greeting.js', (code) => code.replace('hello v1', 'hello v2'))
    const update = await home.waitFor(isUpdateEvent, { since })
    expect(pageUrls(update.data)).toEqual(['/'])
    home.close()
  })
})
