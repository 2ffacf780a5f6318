// A tab can miss a refresh: it was reloading (its old document still held the socket) or
// had no socket yet when the decision went out. Every HTML response carries a render stamp
// in `Server-Timing`; a tab reporting a render older than a refresh of its page is checked
// (and refreshed, its page having changed) at once, and a tab rendered after it is left alone.

import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ssrHmr } from 'vite-plugin-ssr-hmr'
import { startViteDevServer } from '../helpers/dev-server.js'
import { connectHmrClient, isCheckEvent, isUpdateEvent } from '../helpers/hmr-client.js'
import { sleep } from '../helpers/wait.js'

async function renderStamp(dev, url) {
  const response = await fetch(dev.origin + url, { headers: { accept: 'text/html' } })
  await response.text()
  const match = /ssr-hmr;desc="(\d+)"/.exec(response.headers.get('server-timing') ?? '')
  return match ? Number(match[1]) : undefined
}

describe('render epochs', () => {
  let dev
  beforeAll(async () => {
    dev = await startViteDevServer('basic', { plugins: [ssrHmr()] })
    await dev.loadClient('/src/entry-client.js')
  })
  afterAll(() => dev?.close())

  test('HTML responses carry a render stamp, module requests do not', async () => {
    const first = await renderStamp(dev, '/')
    expect(first).toBeGreaterThan(0)
    expect(await renderStamp(dev, '/')).toBe(first + 1)
    const module = await fetch(`${dev.origin}/src/entry-client.js`)
    expect(module.headers.get('server-timing') ?? '').not.toContain('ssr-hmr')
  })

  test('a tab reporting a render older than a refresh of its page is refreshed; a newer one is not', async () => {
    const before = await renderStamp(dev, '/')
    await renderStamp(dev, '/about')
    const home = await connectHmrClient(dev, { page: '/' })
    dev.edit('src/data/greeting.js', (code) => code.replace('hello v1', 'hello v2'))
    await home.waitFor(isUpdateEvent)
    home.close()

    // The tab was reloading into a document rendered before the edit.
    const late = await connectHmrClient(dev)
    late.send('ssr-hmr:page', { url: '/', render: before })
    await late.waitFor(isCheckEvent)
    const update = await late.waitFor(isUpdateEvent)
    expect(update.data.reason).toBe('missed')
    expect(update.data.verdict).toBe('changed')
    expect(update.data.files.serverOnly).toEqual([])

    // A document rendered after the edit, and a page the edit did not touch, stay as they are.
    const after = await renderStamp(dev, '/')
    expect(after).toBeGreaterThan(before)
    const fresh = await connectHmrClient(dev)
    fresh.send('ssr-hmr:page', { url: '/', render: after })
    const other = await connectHmrClient(dev)
    other.send('ssr-hmr:page', { url: '/about', render: before })
    await sleep(300)
    expect(fresh.payloads.filter((payload) => isUpdateEvent(payload) || isCheckEvent(payload))).toEqual([])
    expect(other.payloads.filter(isUpdateEvent)).toEqual([])
    for (const client of [late, fresh, other]) client.close()
  })

  test('a stamp that is not a render stamp is ignored, never trusted', async () => {
    const client = await connectHmrClient(dev)
    for (const render of [-1, 0, 1.5, '1', 2 ** 40, null]) client.send('ssr-hmr:page', { url: '/', render })
    await sleep(300)
    expect(client.payloads.filter(isUpdateEvent)).toEqual([])
    client.close()
  })
})
