// Model-based test: seeded random sequences of edits (server-only, shared, client-only,
// create, delete, a syntax error and its fix, bursts) against tabs open in headless
// Chromium. After each step settles, the invariant must hold: every tab shows what the
// current code renders, the server answers every route, nothing threw in a page and the
// plugin never fell back to its failure path.
//
// CI runs a fixed set of seeds; `npm run soak` runs many more (SSR_HMR_SOAK=<seeds>), and
// SSR_HMR_SEED=<n> replays one seed.

import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ssrHmr } from 'vite-plugin-ssr-hmr'
import { launchBrowser, waitUntil } from '../helpers/browser.js'
import { startDevServer } from '../helpers/dev-server.js'

const soakSeeds = Number(process.env.SSR_HMR_SOAK ?? 0)
const replaySeed = process.env.SSR_HMR_SEED ? [Number(process.env.SSR_HMR_SEED)] : undefined
const SEEDS = replaySeed ?? (soakSeeds > 0 ? Array.from({ length: soakSeeds }, (_, index) => 1000 + index) : [1, 2, 3])
const STEPS = soakSeeds > 0 ? 40 : 12
const ROUTES = ['a', 'b', 'c']

/** mulberry32: a tiny seeded PRNG, so a failing sequence replays from its seed. */
function random(seed) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pick = (next, items) => items[Math.floor(next() * items.length)]

/** What the code says now, and what the last good render of each route said. */
function initialModel() {
  return { a: 0, b: 0, c: 0, optional: 0, shared: 0, client: 0, broken: null, created: 0 }
}

function expectedServerText(model, route) {
  if (route === 'c' && model.optional === 'deleted') return { error: true }
  return { text: route === 'c' ? `c:${model.c} optional:${model.optional}` : `${route}:${model[route]}` }
}

/** The operations, each changing the files and the model together. */
function operations(dev, model) {
  const writeData = (name) => dev.write(`src/data/${name}.js`, `export const ${name} = ${model[name]}\n`)
  return {
    editServer(next) {
      const route = pick(next, ROUTES)
      model[route]++
      if (model.broken === route) model.broken = null
      writeData(route)
      return `edit server-only data/${route}.js → ${model[route]}`
    },
    editShared() {
      model.shared++
      dev.write('src/shared.js', `export const shared = ${model.shared}\n`)
      return `edit shared.js → ${model.shared}`
    },
    editClient() {
      model.client++
      dev.write('src/client-only.js', `export const client = ${model.client}\n`)
      return `edit client-only.js → ${model.client}`
    },
    breakSyntax(next) {
      if (model.broken) return this.fixSyntax()
      model.broken = pick(next, ROUTES)
      dev.write(`src/data/${model.broken}.js`, `export const ${model.broken} = (\n`)
      return `syntax error in data/${model.broken}.js`
    },
    fixSyntax() {
      if (!model.broken) return 'no-op (nothing broken)'
      const route = model.broken
      model[route]++
      model.broken = null
      writeData(route)
      return `fix data/${route}.js → ${model[route]}`
    },
    toggleOptional() {
      if (model.optional === 'deleted') {
        model.optional = model.c + 100
        writeData('optional')
        return `create data/optional.js → ${model.optional}`
      }
      model.optional = 'deleted'
      dev.remove('src/data/optional.js')
      return 'delete data/optional.js'
    },
    createUnrelated() {
      model.created++
      dev.write(`src/data/unrelated-${model.created}.js`, `export const unrelated = ${model.created}\n`)
      return `create unrelated-${model.created}.js (imported by nothing)`
    },
    async burst(next) {
      const steps = []
      const count = 3 + Math.floor(next() * 6)
      for (let index = 0; index < count; index++) {
        steps.push(pick(next, [this.editServer, this.editServer, this.editShared, this.editClient]).call(this, next))
        await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 6)))
      }
      return `burst [${steps.join('; ')}]`
    },
  }
}

const WEIGHTED = ['editServer', 'editServer', 'editServer', 'editShared', 'editClient', 'breakSyntax', 'fixSyntax', 'toggleOptional', 'createUnrelated', 'burst', 'burst']

async function tabState(tab) {
  return tab.page.evaluate(() => ({
    server: document.querySelector('#server')?.textContent ?? null,
    shared: document.querySelector('#client-state')?.dataset.shared ?? null,
    client: document.querySelector('#client-state')?.dataset.client ?? null,
    overlay: !!document.querySelector('vite-error-overlay'),
  }))
}

/** Whether a tab shows the truth. While a route's module is broken, its tab may show the
 * error overlay, the app's error page, or its last good render (a client HMR update clears
 * Vite's overlay); once fixed, it must show the new render. */
function tabIsTrue(state, model, route, lastGood) {
  if (state.shared !== String(model.shared) || state.client !== String(model.client)) return false
  if (model.broken === route) return state.overlay || state.server?.startsWith('error:') || state.server === lastGood[route]
  const expected = expectedServerText(model, route)
  // A route that fails to render: its tab shows the error over its last render (or, for a
  // tab that loaded while it failed, the app's error page).
  if (expected.error) return state.overlay || !!state.server?.startsWith('error:')
  return state.server === expected.text
}

async function checkServer(dev, model) {
  for (const route of ROUTES) {
    const page = await dev.fetchPage(`/${route}`)
    const expected = expectedServerText(model, route)
    if (model.broken === route || expected.error) {
      expect(page.status, `/${route} answers`).toBe(500)
      continue
    }
    expect(page.status, `/${route} answers`).toBe(200)
    expect(page.text).toContain(`<p id="server">${expected.text}</p>`)
    expect(page.text).toContain(`<meta name="shared-server" content="${model.shared}" />`)
  }
}

describe.each(SEEDS)('random edit sequence, seed %i', (seed) => {
  let browser
  let dev
  const tabs = {}
  beforeAll(async () => {
    browser = await launchBrowser()
    dev = await startDevServer('model-app', { plugins: [ssrHmr()] })
    for (const route of ROUTES) tabs[route] = await browser.open(dev, `/${route}`)
  })
  afterAll(async () => {
    await browser?.close()
    await dev?.close()
  })

  test(`${STEPS} steps keep every tab true (replay: seed ${seed})`, async () => {
    const next = random(seed)
    const model = initialModel()
    const ops = operations(dev, model)
    const lastGood = Object.fromEntries(ROUTES.map((route) => [route, expectedServerText(model, route).text]))
    const history = []
    for (let step = 0; step < STEPS; step++) {
      const name = pick(next, WEIGHTED)
      history.push(`${step}: ${await ops[name](next)}`)
      try {
        await waitUntil(async () => {
          for (const route of ROUTES) if (!tabIsTrue(await tabState(tabs[route]), model, route, lastGood)) return false
          return true
        }, 'every tab to show the current render')
        await checkServer(dev, model)
      } catch (error) {
        const states = {}
        for (const route of ROUTES) states[route] = await tabState(tabs[route])
        error.message += `\nseed ${seed}, model ${JSON.stringify(model)}\ntabs ${JSON.stringify(states)}\n${history.join('\n')}`
        throw error
      }
      for (const route of ROUTES) if (model.broken !== route && !expectedServerText(model, route).error) lastGood[route] = expectedServerText(model, route).text
    }
    for (const route of ROUTES) {
      const pageErrors = tabs[route].record.errors.filter((entry) => !/^\d{3} /.test(entry))
      expect(pageErrors, `uncaught errors in /${route} (seed ${seed})`).toEqual([])
    }
    expect(dev.logs.filter((log) => log.message.includes('reloading every tab instead'))).toEqual([])
    expect(existsSync(dev.file('src/entry-server.js'))).toBe(true)
  })
})
