// A tab can miss a refresh: it was reloading (its old document still held the socket) or
// had no socket yet when the decision went out. Every HTML response carries the core's
// render epoch in `Server-Timing`; a tab reporting a render older than a refresh of its
// page is refreshed at once, and a tab rendered after it is left alone.

import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ssrHmr } from 'vite-plugin-ssr-hmr'
import { startDevServer } from '../helpers/dev-server.js'
import { connectHmrClient, isUpdateEvent, sleep } from '../helpers/hmr-client.js'

async function renderEpoch(dev, url) {
  const response = await fetch(dev.origin + url, { headers: { accept: 'text/html' } })
  await response.text()
  const match = /ssr-hmr;desc="(\d+)"/.exec(response.headers.get('server-timing') ?? '')
  return match ? Number(match[1]) : undefined
}

describe('render epochs', () => {
  let dev
  beforeAll(async () => {
    dev = await startDevServer('basic', { plugins: [ssrHmr()] })
    await dev.loadClient('/src/entry-client.js')
  })
  afterAll(() => dev?.close())

  test('HTML responses carry the render epoch, module requests do not', async () => {
    expect(await renderEpoch(dev, '/')).toBe(0)
    const module = await fetch(`${dev.origin}/src/entry-client.js`)
    expect(module.headers.get('server-timing') ?? '').not.toContain('ssr-hmr')
  })

  test('a tab reporting a render older than a refresh of its page is refreshed; a newer one is not', async () => {
    const before = await renderEpoch(dev, '/')
    await renderEpoch(dev, '/about')
    const home = await connectHmrClient(dev, { page: '/' })
    dev.edit('src/data/greeting.js', (code) => code.replace('hello v1', 'hello v2'))
    await home.waitFor(isUpdateEvent)
    home.close()

    // The tab was reloading into a document rendered before the edit.
    const late = await connectHmrClient(dev)
    late.send('ssr-hmr:page', { url: '/', renderedEpoch: before })
    const update = await late.waitFor(isUpdateEvent)
    expect(update.data.reason).toBe('missed')
    expect(update.data.files.serverOnly).toEqual([])

    // A document rendered after the edit, and a page the edit did not touch, stay as they are.
    const after = await renderEpoch(dev, '/')
    expect(after).toBeGreaterThan(before)
    const fresh = await connectHmrClient(dev)
    fresh.send('ssr-hmr:page', { url: '/', renderedEpoch: after })
    const other = await connectHmrClient(dev)
    other.send('ssr-hmr:page', { url: '/about', renderedEpoch: before })
    await sleep(300)
    expect(fresh.payloads.filter(isUpdateEvent)).toEqual([])
    expect(other.payloads.filter(isUpdateEvent)).toEqual([])
    for (const client of [late, fresh, other]) client.close()
  })

  test('a stamp that is not an epoch is ignored, never trusted', async () => {
    const client = await connectHmrClient(dev)
    for (const renderedEpoch of [-1, 1.5, '0', 2 ** 40, null]) client.send('ssr-hmr:page', { url: '/', renderedEpoch })
    await sleep(300)
    expect(client.payloads.filter(isUpdateEvent)).toEqual([])
    client.close()
  })
})
