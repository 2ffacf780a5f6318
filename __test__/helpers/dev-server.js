// A real Vite dev server for one fixture, as an SSR app runs it: middleware mode behind a
// plain Node http server, with the HMR websocket on that server's own port (Vite's default
// 24678 would collide between parallel test files and fail silently).

import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync, unlinkSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'

const fixturesDir = fileURLToPath(new URL('../fixtures/', import.meta.url))
const INTERNAL = Symbol.for('vite-plugin-ssr-hmr:internal')

/**
 * The plugin's internal state (its sessions and their native core), which the session plugin
 * exposes under a symbol for this package's tests only.
 * @param {import('vite').Plugin[]} plugins what `ssrHmr()` returned, or a server's plugins
 */
/**
 * Whether the binding has the test-only fault injection (built with the `testing` feature, as
 * `npm test` builds it). Release binaries have none: the release workflow tests them
 * (SSR_HMR_PACKAGE names one), and there the fault tests are skipped; anywhere else a build
 * without the hook is a mistake, and the fault tests say how to make one with it.
 */
export function faultInjectionOf(binding) {
  const available = typeof binding.SsrHmrCore.prototype.__injectPanicOnNextChange === 'function'
  return {
    available,
    skip: !available && !!process.env.SSR_HMR_PACKAGE,
    require() {
      if (!available)
        throw new Error(
          'this build of the core has no test hooks: build it with the `testing` feature (`npm run build -- --features testing`, as npm test does)',
        )
    },
  }
}

export function pluginStateOf(plugins) {
  return plugins.find((plugin) => plugin[INTERNAL])?.[INTERNAL]
}

/**
 * Copies a fixture to a temporary folder outside the repository (edits never touch the
 * committed fixture, and the watcher sees only the app) and serves it.
 *
 * @param {string} fixture folder name under __test__/fixtures
 * @param {object} [options]
 * @param {any} [options.vite] the vite module to use (`await import('vite')` by default)
 * @param {any[]} [options.plugins]
 * @param {'runner' | 'ssrLoadModule'} [options.mode] how the app renders
 * @param {object} [options.config] extra inline config, merged shallowly
 * @param {(server: import('vite').ViteDevServer, url: string) => Promise<{ status?: number, html: string } | undefined>} [options.render]
 *   renders a request before the fixture's entry-server does (e.g. through another environment);
 *   `undefined` falls back to the entry-server
 * @param {boolean} [options.listen] run Vite's own http server (`server.listen()` on a free port)
 *   instead of middleware mode; the page renderer is then the last middleware
 */
export async function startViteDevServer(
  fixture,
  { vite, plugins = [], mode = 'runner', config = {}, render, listen = false } = {},
) {
  vite ??= await import('vite')
  const root = mkdtempSync(path.join(os.tmpdir(), `ssr-hmr-${fixture}-`))
  cpSync(path.join(fixturesDir, fixture), root, { recursive: true })
  const httpServer = createHttpServer()
  const logs = []
  const logger = vite.createLogger('info', { allowClearScreen: false })
  for (const level of ['info', 'warn', 'error']) {
    const original = logger[level].bind(logger)
    logger[level] = (message, options) => {
      logs.push({ level, message: stripVTControlCharacters(String(message)) })
      if (process.env.SSR_HMR_TEST_LOGS) original(message, options)
    }
  }
  let server
  let origin
  if (listen) {
    const renderLast = {
      name: 'test:render-page',
      configureServer(viteServer) {
        return () => viteServer.middlewares.use((req, res) => renderPage(viteServer, mode, render, req, res))
      },
    }
    server = await vite.createServer({
      root,
      configFile: false,
      appType: 'custom',
      customLogger: logger,
      ...config,
      plugins: [...plugins, renderLast],
      server: { host: '127.0.0.1', port: 0, ...config.server },
    })
    await server.listen()
    origin = `http://127.0.0.1:${server.httpServer.address().port}`
  } else {
    server = await vite.createServer({
      root,
      configFile: false,
      appType: 'custom',
      customLogger: logger,
      plugins,
      ...config,
      server: {
        middlewareMode: true,
        hmr: { server: httpServer },
        ...config.server,
      },
    })
    httpServer.on('request', (req, res) => {
      server.middlewares(req, res, () => renderPage(server, mode, render, req, res))
    })
    await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${httpServer.address().port}`
  }

  const file = (relative) => path.join(root, relative)
  return {
    root,
    server,
    origin,
    logs,
    file,
    read: (relative) => readFileSync(file(relative), 'utf8'),
    write: (relative, content) => writeFileSync(file(relative), content),
    edit: (relative, edit) => writeFileSync(file(relative), edit(readFileSync(file(relative), 'utf8'))),
    remove: (relative) => unlinkSync(file(relative)),
    /**
     * Loads client modules the way a browser does: the entry, then every import it leads to,
     * so the client graph holds analyzed modules as it would with a real tab open.
     */
    async loadClient(url) {
      const environment = server.environments.client
      const seen = new Set()
      const visit = async (moduleUrl) => {
        if (seen.has(moduleUrl)) return
        seen.add(moduleUrl)
        await environment.transformRequest(moduleUrl)
        const mod = await environment.moduleGraph.getModuleByUrl(moduleUrl)
        for (const imported of mod?.importedModules ?? []) {
          if (!imported.url.includes('/node_modules/') && !imported.url.startsWith('/@')) await visit(imported.url)
        }
      }
      await visit(url)
    },
    /** GETs a page as a browser would and returns its HTML (or error text). */
    async fetchPage(url) {
      const response = await fetch(origin + url)
      return { status: response.status, text: await response.text() }
    },
    async close() {
      await server.close()
      if (httpServer.listening) await new Promise((resolve) => httpServer.close(resolve))
      httpServer.closeAllConnections?.()
      rmSync(root, { recursive: true, force: true })
    },
  }
}

async function renderPage(server, mode, customRender, req, res) {
  try {
    const entry = '/src/entry-server.js'
    let page = await customRender?.(server, req.url)
    if (!page) {
      const { render } =
        mode === 'ssrLoadModule'
          ? await server.ssrLoadModule(entry)
          : await server.environments.ssr.runner.import(entry)
      page = await render(req.url, req)
    }
    const html = await server.transformIndexHtml(req.url, page.html)
    res.writeHead(page.status ?? 200, { 'content-type': 'text/html', ...page.headers }).end(html)
  } catch (error) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error?.stack ?? error))
  }
}
