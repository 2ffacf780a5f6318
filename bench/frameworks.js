// Section 6: write → new data on screen in real framework apps (the ones under
// __test__/frameworks/apps/ that run on this machine's Node), in headless Chromium: without
// the plugin (the framework's own full reload, or the docs recipe added as an inline plugin
// where the framework has none), `ssrHmr({ refresh: 'reload' })`, and `ssrHmr()` (the default:
// in place, through the framework). The bench runs its own copy of each app (copyApp) and
// rewrites that copy's vite.config.js for each variant: the committed apps and their tests
// are untouched.
//
// One tab shows /about; each lone edit writes a new value into its server-only data module.
// "New text" is the first moment the edited value is in the DOM, stamped in the page; a
// document load is a main-frame navigation (an in-place update has none).

import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { APPS, ROUTES } from '../__test__/frameworks/apps.js'
import { startFrameworkDevServer } from '../__test__/frameworks/dev-server-process.js'
import { copyApp } from '../__test__/frameworks/install.js'
import { launchChromium } from '../__test__/helpers/browser.js'
import { sleep } from '../__test__/helpers/wait.js'
import { until } from './dev-app.js'
import { summarize } from './stats.js'

const RECIPE_FILE = fileURLToPath(new URL('./docs-recipe.js', import.meta.url))

/**
 * The apps the bench drives, and how each reloads without the plugin: Vike ships the docs
 * recipe itself; SvelteKit, TanStack Start and Hono reload nothing on a server-only edit, so
 * the recipe is added. Hono's pages have no framework part: in place is the three-way patch.
 */
export const BENCH_FRAMEWORKS = {
  sveltekit2: { withoutPlugin: 'recipe' },
  vike: { withoutPlugin: 'own' },
  'tanstack-start': { withoutPlugin: 'recipe' },
  hono: { withoutPlugin: 'recipe' },
}
export const QUICK_FRAMEWORKS = ['sveltekit2']

const EDITS = 8
const QUICK_EDITS = 1
/** Lone saves, as in section 3: further apart than the batcher's stream gap. */
const EDIT_GAP_MS = 1000
/** After the first load: time for the dependency optimizer's late discoveries (a reload) to pass. */
const SETTLE_AFTER_LOAD_MS = 1500
const QUICK_SETTLE_AFTER_LOAD_MS = 500

/** The variants: which plugins the copy's config gets. */
const VARIANTS = {
  without: { position: 'none', options: undefined },
  reload: { position: 'after', options: { refresh: 'reload' } },
  inPlace: { position: 'after', options: undefined },
}

/**
 * The copy's config for a variant. Every app's committed config calls `ssrHmr()` and lists
 * its framework's plugins in `const framework = [`; the recipe goes first in that list.
 */
function benchConfig(source, { options, recipe }) {
  if (!source.includes('ssrHmr()') || !source.includes('const framework = ['))
    throw new Error('the app config no longer has the shape the bench rewrites')
  let config = source.replaceAll('ssrHmr()', options ? `ssrHmr(${JSON.stringify(options)})` : 'ssrHmr()')
  if (recipe) {
    config = config.replace('const framework = [', 'const framework = [docsRecipeHmrReload(), ')
    config = `import { docsRecipeHmrReload } from ${JSON.stringify(pathToFileURL(RECIPE_FILE).href)}\n${config}`
  }
  return config
}

/** The wall clock in ms with sub-ms precision, as the page stamps what it shows. */
const now = () => performance.timeOrigin + performance.now()

/** Reports every change of `#data`'s text, from every document. */
function watchData() {
  let last
  const report = () => {
    const text = document.getElementById('data')?.textContent ?? null
    if (text === last) return
    last = text
    window.__benchSeen?.({ text, at: performance.timeOrigin + performance.now() })
  }
  new MutationObserver(report).observe(document, { subtree: true, childList: true, characterData: true })
}

async function measureVariant(browser, copy, name, { edits, warmUp, settleMs, recipe }) {
  const variant = VARIANTS[name]
  copy.write('vite.config.js', benchConfig(copy.configSource, { options: variant.options, recipe }))
  const app = APPS[copy.app]
  const data = app.data.A
  copy.write(data.file, data.write('v0'))
  const dev = await startFrameworkDevServer(copy, variant.position)
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    const seen = []
    let documentLoads = 0
    await page.exposeFunction('__benchSeen', (state) => seen.push(state))
    await page.addInitScript(watchData)
    const runtimeLines = []
    page.on('console', (message) => message.text().startsWith('[ssr-hmr]') && runtimeLines.push(message.text()))
    page.on('request', (request) => {
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) documentLoads++
    })
    await page.goto(dev.origin + ROUTES.A)
    await until(() => seen.some((s) => s.text === `about v0`), { timeout: 30_000, what: `${app.name}: first load` })
    // Hydrated, as a developer's tab is before the first save: on a cold dev server the client's
    // modules take seconds to load, and a page whose framework has not started yet cannot be
    // updated through it (TanStack's router appears ~2 s after the first load here).
    await page.waitForLoadState('networkidle')
    await sleep(settleMs)
    const samples = []
    const loadsBefore = documentLoads
    // The first edit warms the server's and the browser's paths; it is not counted (the smoke
    // run counts its one edit).
    const first = warmUp ? 1 : 0
    for (let i = 0; i < edits + first; i++) {
      const expected = `about v${i + 1}`
      const startedAt = now()
      copy.write(data.file, data.write(`v${i + 1}`))
      await until(() => seen.some((s) => s.at >= startedAt && s.text === expected), {
        timeout: 15_000,
        what: `${app.name} ${name}: ${expected}`,
      }).catch(async (error) => {
        const where = await page
          .evaluate(
            (text) => ({
              inTextContent: document.body.textContent.includes(text),
              inInnerText: document.body.innerText.includes(text),
              inScripts: [...document.scripts].some((script) => script.textContent.includes(text)),
            }),
            expected,
          )
          .catch(() => ({}))
        error.message += `; the tab shows ${seen.at(-1)?.text}, ${expected} in the page: ${JSON.stringify(where)}; its runtime said:\n${runtimeLines.slice(-6).join('\n')}`
        throw error
      })
      if (i >= first) samples.push(seen.find((s) => s.at >= startedAt && s.text === expected).at - startedAt)
      if (i < edits + first - 1) await sleep(EDIT_GAP_MS)
    }
    return {
      text: summarize(samples),
      documentLoads: documentLoads - loadsBefore,
      editsMade: edits + first,
      // Why the runtime reloaded, where it did (an in-place variant should not).
      reloadLines: runtimeLines.filter((line) => line.includes('reloading')),
    }
  } finally {
    await context.close()
    await dev.close()
  }
}

export async function runFrameworksSection({
  quick,
  log,
  frameworks = quick ? QUICK_FRAMEWORKS : Object.keys(BENCH_FRAMEWORKS),
}) {
  const browser = await launchChromium()
  const results = { apps: {} }
  try {
    for (const name of frameworks) {
      const copy = await copyApp(name)
      copy.configSource = copy.read('vite.config.js')
      try {
        const result = { label: APPS[name].label, withoutPlugin: BENCH_FRAMEWORKS[name].withoutPlugin }
        for (const variant of Object.keys(VARIANTS)) {
          log(`frameworks: ${name} ${variant}`)
          result[variant] = await measureVariant(browser, copy, variant, {
            edits: quick ? QUICK_EDITS : EDITS,
            warmUp: !quick,
            settleMs: quick ? QUICK_SETTLE_AFTER_LOAD_MS : SETTLE_AFTER_LOAD_MS,
            recipe: variant === 'without' && result.withoutPlugin === 'recipe',
          })
        }
        results.apps[name] = result
      } finally {
        copy.remove()
      }
    }
    return results
  } finally {
    await browser.close()
  }
}
