// Twenty server restarts in a row, each caused by a config edit as a user would make it.
// Growth (handles, timers, heap, resident memory) is measured against the same twenty
// restarts of the same app without the plugin, so what Vite itself keeps is not counted.

import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import v8 from 'node:v8'
import vm from 'node:vm'
import { createLogger, createServer } from 'vite'
import { describe, expect, test } from 'vitest'
import { pluginStateOf } from '../helpers/dev-server.js'
import { connectHmrClient, isUpdateEvent, pageUrls } from '../helpers/hmr-client.js'

const RESTARTS = 20
const fixture = fileURLToPath(new URL('../fixtures/basic', import.meta.url))
const pluginEntry = pathToFileURL(fileURLToPath(new URL('../../index.js', import.meta.url))).href

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc')

function configSource(withPlugin, generation) {
  return withPlugin
    ? `import { ssrHmr } from ${JSON.stringify(pluginEntry)}\n// generation ${generation}\nexport default { plugins: [ssrHmr()] }\n`
    : `// generation ${generation}\nexport default {}\n`
}

function snapshot() {
  gc()
  gc()
  const resources = process.getActiveResourcesInfo()
  const count = (name) => resources.filter((resource) => resource === name).length
  const { heapUsed, rss } = process.memoryUsage()
  return { timers: count('Timeout'), handles: resources.length, heapUsed, rss }
}

async function restartTwentyTimes(withPlugin) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ssr-hmr-restarts-'))
  cpSync(fixture, root, { recursive: true })
  const configFile = path.join(root, 'vite.config.js')
  writeFileSync(configFile, configSource(withPlugin, 0))
  const restarted = []
  const logger = createLogger('warn')
  const info = logger.info.bind(logger)
  logger.info = (message, options) => {
    if (String(message).includes('server restarted')) restarted.push(Date.now())
    else if (process.env.SSR_HMR_TEST_LOGS) info(message, options)
  }
  const httpServer = createHttpServer()
  const server = await createServer({
    root,
    configFile,
    configLoader: 'native',
    appType: 'custom',
    customLogger: logger,
    server: { middlewareMode: true, hmr: { server: httpServer } },
  })
  httpServer.on('request', (req, res) =>
    server.middlewares(req, res, async () => {
      const { render } = await server.environments.ssr.runner.import('/src/entry-server.js')
      const page = await render(req.url)
      res.writeHead(page.status, { 'content-type': 'text/html' }).end(page.html)
    }),
  )
  await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${httpServer.address().port}`
  const states = []

  const measurements = []
  for (let generation = 1; generation <= RESTARTS; generation++) {
    const before = restarted.length
    writeFileSync(configFile, configSource(withPlugin, generation))
    await expect.poll(() => restarted.length, { timeout: 15_000 }).toBe(before + 1)
    await (await fetch(`${origin}/`)).text()
    if (withPlugin) states.push(pluginStateOf(server.config.plugins))
    if (generation === 5 || generation === RESTARTS) measurements.push(snapshot())
  }

  let targetedUpdate
  if (withPlugin) {
    const tab = await connectHmrClient({ origin, token: server.config.webSocketToken }, { page: '/' })
    const since = tab.payloads.length
    const data = path.join(root, 'src/data/greeting.js')
    writeFileSync(data, readFileSync(data, 'utf8').replace('hello v1', 'hello v2'))
    targetedUpdate = await tab.waitFor(isUpdateEvent, { since })
    tab.close()
  }
  const fresh = await (await fetch(`${origin}/`)).text()

  await server.close()
  await new Promise((resolve) => httpServer.close(resolve))
  rmSync(root, { recursive: true, force: true })
  const [early, late] = measurements
  return { early, late, states, targetedUpdate, fresh }
}

const megabytes = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`

describe(`${RESTARTS} restarts in a row, by config edits`, () => {
  test('leave no growth in sessions, handles, timers or memory beyond what Vite keeps', async () => {
    const vite = await restartTwentyTimes(false)
    const ours = await restartTwentyTimes(true)
    const growth = (run) => ({
      timers: run.late.timers - run.early.timers,
      handles: run.late.handles - run.early.handles,
      heap: run.late.heapUsed - run.early.heapUsed,
      rss: run.late.rss - run.early.rss,
    })
    const [viteGrowth, ourGrowth] = [growth(vite), growth(ours)]
    console.log(
      `restarts 5→${RESTARTS}: Vite alone timers ${viteGrowth.timers}, handles ${viteGrowth.handles}, heap ${megabytes(viteGrowth.heap)}, rss ${megabytes(viteGrowth.rss)}; ` +
        `with ssrHmr timers ${ourGrowth.timers}, handles ${ourGrowth.handles}, heap ${megabytes(ourGrowth.heap)}, rss ${megabytes(ourGrowth.rss)}`,
    )

    // Every config generation got its own plugin state; only the last one has a live session.
    expect(new Set(ours.states).size).toBe(RESTARTS)
    expect(ours.states.slice(0, -1).map((state) => state.liveSessions)).toEqual(Array(RESTARTS - 1).fill(0))
    expect(ours.states.at(-1).liveSessions).toBe(0) // the server is closed now

    // Vite's own count moves by one either way between samples (a debounce timer in flight);
    // a leak of one per restart would be 15 here.
    expect(ourGrowth.timers).toBeLessThanOrEqual(Math.max(viteGrowth.timers, 0) + 1)
    expect(ourGrowth.handles).toBeLessThanOrEqual(Math.max(viteGrowth.handles, 0) + 1)
    // Heap and resident memory are noisy; a leak of one session per restart would be far above this.
    expect(ourGrowth.heap - viteGrowth.heap).toBeLessThan(8 * 1024 * 1024)
    expect(ourGrowth.rss - viteGrowth.rss).toBeLessThan(24 * 1024 * 1024)

    // The new server works at once.
    expect(pageUrls(ours.targetedUpdate.data)).toEqual(['/'])
    expect(ours.fresh).toContain('hello v2')
  })
})
