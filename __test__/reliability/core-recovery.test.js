// On WebAssembly a Rust panic aborts and leaves that core unusable; a fresh core takes its place
// (lib/core-recovery.js). It must decide as the old one would have: its mirror of every
// environment's graph is refilled from Vite's module graphs, exactly. Runs against the wasm
// build (vitest.installed.config.js, part of `npm test`); natively the core survives a panic (see
// core-failure.test.js), so there is nothing to replace and the file is skipped.

import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ssrHmr } from 'vite-plugin-ssr-hmr'
import { faultInjectionOf, pluginStateOf } from '../helpers/dev-server.js'
import { isFullReload, isUpdateEvent, pageUrls } from '../helpers/hmr-client.js'
import { startAppWithPlugin, warmUp } from '../helpers/app-with-plugin.js'

const { binding } = pluginStateOf(ssrHmr())
const onWasm = binding.__napiBindingTarget?.startsWith('wasm32') ?? false
const faultInjection = faultInjectionOf(binding)
const ENVIRONMENTS = ['client', 'ssr', 'edge', 'worker']

/** One environment's mirror, in a stable order: modules by id, each one's imports by id. */
function mirrorOf(app, environment) {
  return JSON.parse(app.session.core.snapshot(environment))
    .modules.map((mod) => ({ ...mod, imports: [...mod.imports].sort((a, b) => a.id.localeCompare(b.id)) }))
    .sort((a, b) => a.id.localeCompare(b.id))
}

describe.runIf(onWasm && !faultInjection.skip)('a fresh WebAssembly core after a panic', () => {
  let app
  beforeAll(async () => {
    faultInjection.require()
    app = await startAppWithPlugin(await import('vite'))
    await warmUp(app)
  })
  afterAll(() => app?.close())

  test('mirrors every environment exactly as the core it replaced', async () => {
    const before = Object.fromEntries(ENVIRONMENTS.map((name) => [name, mirrorOf(app, name)]))
    expect(before.ssr.filter((mod) => mod.analyzed).length).toBeGreaterThan(15)
    expect(before.ssr.some((mod) => mod.imports.some((imported) => imported.dynamic))).toBe(true)
    const core = app.session.core
    expect(core.recoveries).toBe(0)

    const tab = await app.openTab('/')
    core.__injectPanicOnNextChange()
    // The edit adds a comment and nothing renders before the comparison: no edge changes.
    app.edit('src/data/accepted-value.js', (code) => `${code}\n// edited`)
    await tab.waitFor(isFullReload)
    await app.settle()
    expect(core.recoveries).toBe(1)
    for (const name of ENVIRONMENTS)
      expect({ name, modules: mirrorOf(app, name) }).toEqual({ name, modules: before[name] })
  })

  test('and the next edit is decided from it, for the tabs reported since', async () => {
    await app.closeTabs()
    await warmUp(app)
    const home = await app.openTab('/')
    const about = await app.openTab('/about')
    app.edit('src/data/team.js', (code) => `${code}\n// edited`)
    const update = await about.waitFor(isUpdateEvent)
    expect(pageUrls(update.data)).toEqual(['/about'])
    await app.settle()
    expect(home.payloads.filter((payload) => isUpdateEvent(payload) || isFullReload(payload))).toEqual([])
  })
})
