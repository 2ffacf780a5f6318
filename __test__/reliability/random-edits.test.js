// Model-based test: seeded random sequences of edits (server-only, shared, client-only, a
// memoized config, a file read with fs, create, delete, a syntax error and its fix, bursts)
// against tabs open in headless Chromium, on routes taken with import() (/a, /b, /c) and
// routes the entry imports statically (/d, /e, /f). After each step settles, the invariants
// must hold: every tab shows what the current code renders, no tab whose output did not
// change was reloaded, no tab whose page has an in-place path (its client router, src/client-
// router.js, on /a, /c, /e and /f) loaded a document to show a new render, the server answers
// every route, nothing threw in a page and the plugin never fell back to its failure path.
//
// CI runs a fixed set of seeds; `npm run soak` runs many more (SSR_HMR_SOAK=<seeds>), and
// SSR_HMR_SEED=<n> replays one seed.

import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ssrHmr } from 'vite-plugin-ssr-hmr'
import { launchBrowser } from '../helpers/browser.js'
import { waitUntil } from '../helpers/wait.js'
import { pluginStateOf, startViteDevServer } from '../helpers/dev-server.js'

const soakSeeds = Number(process.env.SSR_HMR_SOAK ?? 0)
const replaySeed = process.env.SSR_HMR_SEED ? [Number(process.env.SSR_HMR_SEED)] : undefined
const SEEDS = replaySeed ?? (soakSeeds > 0 ? Array.from({ length: soakSeeds }, (_, index) => 1000 + index) : [1, 2, 3])
const STEPS = soakSeeds > 0 ? 40 : 12
const ROUTES = ['a', 'b', 'c', 'd', 'e', 'f']
/** Routes whose data module a server edit or a syntax error can hit. */
const DATA_ROUTES = ['a', 'b', 'c', 'd', 'e']
/** Routes the entry imports: a syntax error in their modules breaks every page. */
const STATIC_ROUTES = ['d', 'e']
/** Routes whose page runs the fixture's client router: the default strategy updates them in place. */
const IN_PLACE_ROUTES = ['a', 'c', 'e', 'f']

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
  return { a: 0, b: 0, c: 0, d: 0, e: 0, f: 0, config: 0, optional: 0, shared: 0, client: 0, broken: null, created: 0 }
}

function expectedServerText(model, route) {
  if (route === 'c' && model.optional === 'deleted') return { error: true }
  if (route === 'c') return { text: `c:${model.c} optional:${model.optional}` }
  if (route === 'd' || route === 'e') return { text: `${route}:${model[route]} memo:${model.config}` }
  return { text: `${route}:${model[route]}` }
}

/** A syntax error breaks its route, and every route when the entry imports the module. */
function isBroken(model, route) {
  return model.broken === route || STATIC_ROUTES.includes(model.broken)
}

/** The operations, each changing the files and the model together. */
function operations(dev, model) {
  const writeData = (name) => dev.write(`src/data/${name}.js`, `export const ${name} = ${model[name]}\n`)
  return {
    editServer(next) {
      const route = pick(next, DATA_ROUTES)
      model[route]++
      if (model.broken === route) model.broken = null
      writeData(route)
      return `edit server-only data/${route}.js → ${model[route]}`
    },
    editConfig() {
      model.config++
      dev.write('src/data/config.js', `export const config = { value: ${model.config} }\n`)
      return `edit data/config.js (memoized by /d and /e) → ${model.config}`
    },
    editContent() {
      model.f++
      dev.write('content/f.md', `${model.f}\n`)
      return `edit content/f.md (read by /f with fs) → ${model.f}`
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
      model.broken = pick(next, DATA_ROUTES)
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
        steps.push(
          pick(next, [
            this.editServer,
            this.editServer,
            this.editConfig,
            this.editContent,
            this.editShared,
            this.editClient,
          ]).call(this, next),
        )
        await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 6)))
      }
      return `burst [${steps.join('; ')}]`
    },
  }
}

const WEIGHTED = [
  'editServer',
  'editServer',
  'editServer',
  'editConfig',
  'editContent',
  'editShared',
  'editClient',
  'breakSyntax',
  'fixSyntax',
  'toggleOptional',
  'createUnrelated',
  'burst',
  'burst',
]

async function tabState(tab) {
  return tab.page.evaluate(() => ({
    server: document.querySelector('#server')?.textContent ?? null,
    sharedServer: document.querySelector('meta[name="shared-server"]')?.content ?? null,
    marker: window.marker === 'kept',
    shared: document.querySelector('#client-state')?.dataset.shared ?? null,
    client: document.querySelector('#client-state')?.dataset.client ?? null,
    overlay: !!document.querySelector('vite-error-overlay, ssr-hmr-error-overlay'),
  }))
}

/** Whether a tab shows the truth. While a route's module is broken, its tab may show the
 * error overlay, the app's error page, or its last good render (a client HMR update clears
 * Vite's overlay); once fixed, it must show the new render. */
function tabIsTrue(state, model, route, lastGood) {
  if (state.shared !== String(model.shared) || state.client !== String(model.client)) return false
  if (isBroken(model, route))
    return state.overlay || state.server?.startsWith('error:') || state.server === lastGood[route]
  const expected = expectedServerText(model, route)
  // A route that fails to render: its tab shows the error over its last render (or, for a
  // tab that loaded while it failed, the app's error page).
  if (expected.error) return state.overlay || !!state.server?.startsWith('error:')
  // Once the page renders again, no overlay may be left over it.
  return state.server === expected.text && !state.overlay
}

/**
 * The tab shows exactly what its URL renders now (its server text and the shared value the
 * server put in its head): then a step that changes neither must leave it alone.
 */
function showsCurrentRender(state, model, route) {
  if (isBroken(model, route) || state.overlay) return false
  const expected = expectedServerText(model, route)
  return !expected.error && state.server === expected.text && state.sharedServer === String(model.shared)
}

/** What a route renders, as far as the model can tell (an error state counts as changed). */
function renderKey(model, route) {
  if (isBroken(model, route)) return 'broken'
  const expected = expectedServerText(model, route)
  return expected.error ? 'error' : `${expected.text}|${model.shared}`
}

async function checkServer(dev, model) {
  for (const route of ROUTES) {
    const page = await dev.fetchPage(`/${route}`)
    const expected = expectedServerText(model, route)
    if (isBroken(model, route) || expected.error) {
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
    dev = await startViteDevServer('model-app', { plugins: [ssrHmr({ watch: ['content/**'] })] })
    for (const route of ROUTES) {
      tabs[route] = await browser.open(dev, `/${route}`)
      await tabs[route].evaluate(() => (window.marker = 'kept'))
    }
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
    const session = pluginStateOf(dev.server.config.plugins).sessionOfServer(dev.server)
    for (let step = 0; step < STEPS; step++) {
      const name = pick(next, WEIGHTED)
      const before = {}
      for (const route of ROUTES) {
        const state = await tabState(tabs[route])
        before[route] = {
          current: showsCurrentRender(state, model, route),
          key: renderKey(model, route),
          documents: tabs[route].record.documents.length,
        }
      }
      history.push(`${step}: ${await ops[name](next)}`)
      try {
        await waitUntil(async () => {
          for (const route of ROUTES) if (!tabIsTrue(await tabState(tabs[route]), model, route, lastGood)) return false
          return true
        }, 'every tab to show the current render')
        // Every check answered and every refresh sent: late reloads would show here.
        await session.whenIdle()
        // A verdict reaches its tab a moment after the server sent it.
        await new Promise((resolve) => setTimeout(resolve, 100))
        for (const route of ROUTES) {
          const { current, key: shownKey, documents } = before[route]
          if (!current) continue
          const key = renderKey(model, route)
          // A page with an in-place path shows its new render without a document load.
          if (key !== shownKey && IN_PLACE_ROUTES.includes(route) && !['broken', 'error'].includes(key)) {
            expect(
              tabs[route].record.documents.length,
              `/${route} loaded a document though its page has an in-place path`,
            ).toBe(documents)
            expect((await tabState(tabs[route])).marker, `/${route} lost its state in an in-place update`).toBe(true)
          }
          if (key !== shownKey) continue
          expect(tabs[route].record.documents.length, `/${route} was reloaded though its output did not change`).toBe(
            documents,
          )
          expect(
            (await tabState(tabs[route])).marker,
            `/${route} lost its state though its output did not change`,
          ).toBe(true)
        }
        await checkServer(dev, model)
      } catch (error) {
        const states = {}
        for (const route of ROUTES) states[route] = await tabState(tabs[route])
        const consoles = ROUTES.map(
          (route) =>
            `/${route}: ${tabs[route].record.console
              .filter((line) => line.startsWith('[ssr-hmr]'))
              .slice(-4)
              .join(' | ')}`,
        )
        error.message += `\nseed ${seed}, model ${JSON.stringify(model)}\ntabs ${JSON.stringify(states)}\n${history.join('\n')}\nlast runtime lines:\n${consoles.join('\n')}`
        throw error
      }
      for (const route of ROUTES)
        if (!isBroken(model, route) && !expectedServerText(model, route).error)
          lastGood[route] = expectedServerText(model, route).text
      // A tab reloaded in this step starts a fresh document: mark it again.
      for (const route of ROUTES) await tabs[route].evaluate(() => (window.marker = 'kept'))
    }
    for (const route of ROUTES) {
      const pageErrors = tabs[route].record.errors.filter((entry) => !/^\d{3} /.test(entry))
      expect(pageErrors, `uncaught errors in /${route} (seed ${seed})`).toEqual([])
    }
    expect(dev.logs.filter((log) => log.message.includes('reloading every tab instead'))).toEqual([])
    expect(existsSync(dev.file('src/entry-server.js'))).toBe(true)
  })
})
