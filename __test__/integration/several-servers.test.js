// Several Vite dev servers in one process for one project act as one (vinxi: SolidStart 1,
// older TanStack Start, Analog). As vinxi does it: one http server; an SSR server in middleware
// mode renders the pages (its own HMR websocket, which no browser uses), and a client server,
// each with its own `ssrHmr()` instance, serves the browser's modules and the HMR websocket
// the page connects to. A server-only edit heard by the SSR server must reach the tab
// connected to the client server, and a file the client server's graph has is shared.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ssrHmr } from 'vite-plugin-ssr-hmr'
import { afterEach, describe, expect, test } from 'vitest'
import { pluginStateOf } from '../helpers/dev-server.js'
import { connectHmrClient, isUpdateEvent, isViteUpdate, pageUrls } from '../helpers/hmr-client.js'
import { freePort } from '../helpers/ports.js'
import { sleep } from '../helpers/wait.js'
import { VITE_VERSIONS } from '../helpers/vite-versions.js'

const fixture = fileURLToPath(new URL('../fixtures/basic/', import.meta.url))

/** The `basic` fixture served by two Vite dev servers in one process, one root. */
async function startTwoServers(vite) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ssr-hmr-two-servers-'))
  cpSync(fixture, root, { recursive: true })
  const http = createHttpServer()
  const logger = vite.createLogger('error', { allowClearScreen: false })
  const common = { root, configFile: false, appType: 'custom', customLogger: logger }
  // Created first, as vinxi's routers are: the SSR server, its websocket on a port of its own.
  const ssr = await vite.createServer({
    ...common,
    plugins: [ssrHmr()],
    server: { middlewareMode: true, hmr: { port: await freePort() } },
  })
  const client = await vite.createServer({
    ...common,
    plugins: [ssrHmr()],
    server: { middlewareMode: true, hmr: { server: http } },
  })
  const renderPage = async (req, res) => {
    try {
      const { render } = await ssr.environments.ssr.runner.import('/src/entry-server.js')
      const page = await render(req.url)
      res.writeHead(page.status ?? 200, { 'content-type': 'text/html' }).end(page.html)
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error?.stack ?? error))
    }
  }
  // Modules for the browser from the client server, pages from the SSR server.
  http.on('request', (req, res) => {
    if (req.url.startsWith('/src/') || req.url.startsWith('/@'))
      client.middlewares(req, res, () => res.writeHead(404).end())
    else ssr.middlewares(req, res, () => renderPage(req, res))
  })
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${http.address().port}`
  const file = (relative) => path.join(root, relative)
  return {
    ssr,
    client,
    origin,
    edit: (relative, edit) => writeFileSync(file(relative), edit(readFileSync(file(relative), 'utf8'))),
    /** The browser's modules, as a tab loads them: the client server's graph. */
    async loadClient() {
      for (const url of ['/src/entry-client.js', '/src/components/label.js', '/src/widget.js']) {
        await client.environments.client.transformRequest(url)
      }
    },
    async fetchPage(url) {
      const response = await fetch(origin + url)
      return response.text()
    },
    /** A tab: its page from the SSR server, its websocket on the client server. */
    openTab: (page) => connectHmrClient({ origin, token: client.config.webSocketToken }, { page }),
    async close() {
      await Promise.allSettled([client.close(), ssr.close()])
      await new Promise((resolve) => http.close(resolve))
      http.closeAllConnections?.()
      rmSync(root, { recursive: true, force: true })
    },
  }
}

describe.each(VITE_VERSIONS)('two dev servers of one project on $name', ({ load }) => {
  let app
  const tabs = []
  afterEach(async () => {
    for (const tab of tabs.splice(0)) tab.close()
    await app?.close()
    app = undefined
  })

  async function start() {
    app = await startTwoServers(await load())
    await app.loadClient()
    expect(await app.fetchPage('/')).toContain('hello v1')
    expect(await app.fetchPage('/about')).toContain('team v1')
  }

  async function openTab(page) {
    const tab = await app.openTab(page)
    tabs.push(tab)
    return tab
  }

  test('a server-only edit heard by the SSR server reaches the tab connected to the client server, and only its page', async () => {
    await start()
    const about = await openTab('/about')
    const home = await openTab('/')
    const aboutSince = about.mark()
    const homeSince = home.mark()

    app.edit('src/data/team.js', (code) => code.replace('team v1', 'team v2'))

    const update = await about.waitFor(isUpdateEvent, { since: aboutSince })
    expect(update.data.files).toMatchObject({ serverOnly: ['src/data/team.js'], shared: [] })
    expect(pageUrls(update.data)).toEqual(['/about'])
    expect(await app.fetchPage('/about')).toContain('team v2')
    await sleep(300)
    expect(homeSince().filter(isUpdateEvent)).toEqual([])
  })

  test("a file the client server's graph has is shared: Vite's update in the browser, never a server-only refresh", async () => {
    await start()
    const home = await openTab('/')
    const since = home.mark()

    // One batch: the shared component and a server-only data module.
    app.edit('src/components/label.js', (code) => code.replace('label:', 'label2:'))
    app.edit('src/data/greeting.js', (code) => code.replace('hello v1', 'hello v2'))

    await home.waitFor(isViteUpdate, { since })
    const update = await home.waitFor(isUpdateEvent, { since })
    expect(update.data.files).toMatchObject({
      serverOnly: ['src/data/greeting.js'],
      shared: ['src/components/label.js'],
    })
    expect(await app.fetchPage('/')).toContain('label2:home')
  })

  test('the servers share one session while both run; it ends with the last one', async () => {
    await start()
    const ssrState = pluginStateOf(app.ssr.config.plugins)
    const clientState = pluginStateOf(app.client.config.plugins)
    expect(ssrState.session).toBe(clientState.session)
    const session = ssrState.session
    await app.client.close()
    expect(session.disposed).toBe(false)
    expect(clientState.liveSessions).toBe(0)
    await app.ssr.close()
    expect(session.disposed).toBe(true)
    expect(ssrState.liveSessions).toBe(0)
  })
})
