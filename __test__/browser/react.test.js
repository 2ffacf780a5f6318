// A hydrated React SSR app (@vitejs/plugin-react, Fast Refresh) in a real browser. An edit to
// a component both sides run stays React Fast Refresh (component state kept, no reload); an
// edit to server-only data reaches the app as `ssr-hmr:update` ('event'), and the app
// re-fetches its data as docs/frameworks.md shows: still no reload, state still kept.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ssrHmr } from 'vite-plugin-ssr-hmr'
import { startViteDevServer } from '../helpers/dev-server.js'
import { launchBrowser } from '../helpers/browser.js'
import { waitUntil } from '../helpers/wait.js'

// The app imports `react`: its copy must sit inside the repository for module resolution to
// find node_modules, so it goes under .tmp/ (git-ignored) rather than the OS temp folder.
const repoTmp = fileURLToPath(new URL('../../.tmp/', import.meta.url))

/** Serves the page's data as JSON at /__data<path>, as a framework's data endpoint would. */
function dataEndpoint() {
  return {
    name: 'fixture:data-endpoint',
    configureServer(server) {
      server.middlewares.use(async (req, res, next) => {
        if (!req.url.startsWith('/__data/')) return next()
        try {
          const { loadData } = await server.environments.ssr.runner.import('/src/entry-server.js')
          const data = await loadData(req.url.slice('/__data'.length))
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(data))
        } catch (error) {
          res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error))
        }
      })
    },
  }
}

describe('hydrated React SSR app', () => {
  let dev
  let browser
  let cacheDir
  beforeAll(async () => {
    mkdirSync(repoTmp, { recursive: true })
    cacheDir = mkdtempSync(path.join(repoTmp, 'vite-cache-'))
    const tmpdir = process.env.TMPDIR
    process.env.TMPDIR = repoTmp
    try {
      ;[dev, browser] = await Promise.all([
        startViteDevServer('react-app', {
          plugins: [react(), ssrHmr({ refresh: 'event' }), dataEndpoint()],
          // Pre-bundled up front: a dependency discovered on the first page load would make
          // Vite reload that page, which the tests count.
          config: { cacheDir, optimizeDeps: { include: ['react', 'react-dom/client', 'react/jsx-dev-runtime'] } },
        }),
        launchBrowser(),
      ])
    } finally {
      if (tmpdir === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = tmpdir
    }
  })
  afterAll(async () => {
    await browser?.close()
    await dev?.close()
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true })
  })

  let tab
  test('hydrates, and counts clicks', async () => {
    tab = await browser.open(dev, '/')
    await waitUntil(() => tab.evaluate(() => window.hydrations === 1), 'hydration')
    // Clicks only count once React has attached its handlers.
    await waitUntil(async () => {
      await tab.page.click('#counter')
      return (await tab.text('#counter')).endsWith(': 1')
    }, 'a hydrated counter')
    await tab.page.click('#counter')
    await tab.page.click('#counter')
    expect(await tab.text('#counter')).toBe('label v1: 3')
  })

  test('a shared component edit is React Fast Refresh: new text, state kept, no reload', async () => {
    dev.edit('src/components/Counter.jsx', (code) => code.replace('label v1', 'label v2'))

    expect(await tab.waitForText('#counter', 'label v2')).toBe('label v2: 3')
    expect(tab.record.payloads.filter((payload) => payload.type === 'update')).toHaveLength(1)
    expect(tab.record.payloads.filter((payload) => payload.type === 'full-reload')).toEqual([])
    expect(tab.record.updates).toEqual([])
    expect(tab.record.documents).toHaveLength(1)
    expect(await tab.evaluate(() => window.hydrations)).toBe(1)
    // The server renders the new component too.
    expect((await dev.fetchPage('/')).text).toContain('label v2')
  })

  test("a server-only data edit is an 'event': the app re-fetches its data, state kept, no reload", async () => {
    dev.edit('src/data/items.js', (code) => code.replace('apple v1', 'apple v2'))

    expect(await tab.waitForText('#items', 'apple v2')).toBe('apple v2pear')
    expect(await tab.text('#counter')).toBe('label v2: 3')
    expect(tab.record.updates).toEqual([
      expect.objectContaining({
        strategy: 'event',
        reason: 'server-only',
        files: expect.objectContaining({ serverOnly: ['src/data/items.js'] }),
      }),
    ])
    // The check of what the page renders now (twice: the first time a page differs, a second
    // check learns what differs between its renders anyway), then the app's own data request.
    expect(tab.record.pageFetches).toEqual([`${dev.origin}/`, `${dev.origin}/`, `${dev.origin}/__data/`])
    expect(tab.record.documents).toHaveLength(1)
    expect(await tab.evaluate(() => window.hydrations)).toBe(1)
    expect(tab.record.errors).toEqual([])
  })
})
