// The `ssr-app` fixture (or another) served in process by a Vite dev server with the plugin, a second runnable server environment (`edge`)
// and a server environment with its own runtime (`worker`, not runnable in Vite's process).

import { ssrHmr } from 'vite-plugin-ssr-hmr'
import { pluginStateOf, startViteDevServer } from './dev-server.js'
import { connectHmrClient } from './hmr-client.js'
import { sleep } from './wait.js'
import { isPluginLog, logsSince } from './logs.js'

/** Pages the fixture serves through environments other than `ssr`. */
export const ENVIRONMENT_PAGES = { '/edge': 'edge', '/worker': 'worker' }

const silentRunnerLogger = { debug() {}, error() {} }

/**
 * Serves `ssr-app` (or another fixture) with the plugin.
 *
 * @param {any} vite the vite module
 * @param {object} [options]
 * @param {'runner' | 'ssrLoadModule'} [options.mode]
 * @param {import('../../index.d.ts').SsrHmrOptions} [options.pluginOptions]
 * @param {object} [options.config] extra inline config
 * @param {string} [options.fixture]
 * @param {any[]} [options.plugins] more plugins, after this one
 * @param {boolean} [options.listen] Vite's own http server instead of middleware mode
 */
export async function startAppWithPlugin(
  vite,
  { mode = 'runner', pluginOptions, config = {}, fixture = 'ssr-app', plugins: morePlugins = [], listen = false } = {},
) {
  const plugins = [...ssrHmr(pluginOptions), ...morePlugins]
  const state = pluginStateOf(plugins)
  // The worker's own runtime: a module runner that, like one in a worker thread, reaches its
  // environment only through the environment's hot channel.
  const workerRunners = new WeakMap()
  const workerRunner = (environment) => {
    let runner = workerRunners.get(environment)
    if (!runner) {
      runner = vite.createServerModuleRunner(environment, { hmr: { logger: silentRunnerLogger } })
      workerRunners.set(environment, runner)
    }
    return runner
  }
  const dev = await startViteDevServer(fixture, {
    vite,
    mode,
    listen,
    plugins,
    config: {
      ...config,
      environments: {
        edge: {},
        worker: {
          dev: {
            createEnvironment: (name, resolved) =>
              new vite.DevEnvironment(name, resolved, { hot: true, transport: vite.createServerHotChannel() }),
          },
        },
        ...config.environments,
      },
    },
    async render(server, url) {
      const pathname = url.split('?')[0]
      if (pathname === '/edge')
        return { html: (await server.environments.edge.runner.import('/src/edge/handler.js')).render() }
      if (pathname === '/worker') {
        const handler = await workerRunner(server.environments.worker).import('/src/worker/handler.js')
        return { html: handler.render() }
      }
    },
  })

  const tabs = []
  const channelSpies = new Map()
  const app = {
    ...dev,
    vite,
    state,
    get session() {
      return state.sessionOfServer(dev.server)
    },
    /** The core's mirror of one environment's graph. */
    snapshot(environmentName) {
      return JSON.parse(app.session.core.snapshot(environmentName))
    },
    /** Opens a "tab": a websocket client that says which page it shows. */
    async openTab(page) {
      const tab = await connectHmrClient(dev, { page })
      tabs.push(tab)
      return tab
    },
    async closeTabs() {
      for (const tab of tabs.splice(0)) tab.close()
      await sleep(20)
    },
    /**
     * Records what a server environment's own channel (its module runner) receives, less
     * the replies to the runner's own fetches. Returns a function giving the payloads sent
     * since this call.
     */
    watchChannel(environmentName) {
      const environment = dev.server.environments[environmentName]
      let spy = channelSpies.get(environment)
      if (!spy) {
        const payloads = []
        const send = environment.hot.send
        environment.hot.send = function (...args) {
          const payload = typeof args[0] === 'string' ? { type: 'custom', event: args[0], data: args[1] } : args[0]
          if (payload?.event !== 'vite:invoke') payloads.push(payload)
          return send.apply(this, args)
        }
        spy = { payloads }
        channelSpies.set(environment, spy)
      }
      const start = spy.payloads.length
      return () => spy.payloads.slice(start)
    },
    /**
     * Waits until the plugin has nothing pending and its last decision was carried out, with
     * time for watcher events still on their way to arrive and be decided on too.
     */
    async settle() {
      await app.session?.whenIdle()
      await sleep(60)
      await app.session?.whenIdle()
    },
    /** Log lines the plugin wrote since `since` (not lines that only name the temporary root). */
    pluginLogs(since = 0) {
      return logsSince(dev, since).filter(isPluginLog)
    },
    async close() {
      await app.closeTabs()
      for (const environment of Object.values(dev.server.environments)) await workerRunners.get(environment)?.close()
      await dev.close()
    },
  }
  return app
}

/** Loads every page once, so the server graphs hold every module, and the client graph too. */
export async function warmUp(
  app,
  pages = ['/', '/about', '/lazy', '/styles', '/accepting', '/content', '/notes', '/edge', '/worker'],
) {
  await app.loadClient('/src/entry-client.js')
  for (const page of pages) {
    const { status, text } = await app.fetchPage(page)
    if (status !== 200) throw new Error(`${page} answered ${status}: ${text}`)
  }
}

/** The text of `<p id="data">` in a page: what each fixture page renders from its data. */
export async function pageData(app, url) {
  const { status, text } = await app.fetchPage(url)
  const match = /<p id="data">([^<]*)<\/p>/.exec(text)
  return match ? match[1] : `(${status}) ${text.slice(0, 400)}`
}

/** After each scenario: the plugin has acted on everything, and its tabs are closed. */
export async function settleAfterEach(app) {
  if (!app) return
  await app.settle()
  await app.closeTabs()
}
