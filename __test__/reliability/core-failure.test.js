// A failure inside the native core must never take the dev server down: the plugin logs one
// warning with the cause, reloads every tab (the always-safe action), and the next edit is
// handled normally. `npm test` runs this file twice: with the native binary, where the binding
// catches the panic and the core goes on, and against the WebAssembly build
// (vitest.installed.config.js), where a panic aborts and a fresh core must take over.

import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ssrHmr } from 'vite-plugin-ssr-hmr'
import { faultInjectionOf, pluginStateOf, startViteDevServer } from '../helpers/dev-server.js'
import { connectHmrClient, isFullReload, isUpdateEvent, pageUrls } from '../helpers/hmr-client.js'
import { logsSince } from '../helpers/logs.js'

const { binding } = pluginStateOf(ssrHmr())
const onWasm = binding.__napiBindingTarget?.startsWith('wasm32') ?? false
const faultInjection = faultInjectionOf(binding)

describe.skipIf(faultInjection.skip)(`a panic inside the Rust core (${onWasm ? 'WebAssembly' : 'native'})`, () => {
  let dev
  let pluginState
  beforeAll(async () => {
    faultInjection.require()
    const plugins = ssrHmr()
    pluginState = pluginStateOf(plugins)
    dev = await startViteDevServer('basic', { plugins })
    await dev.loadClient('/src/entry-client.js')
    await dev.fetchPage('/')
    await dev.fetchPage('/about')
  })
  afterAll(() => dev?.close())

  test('falls back to reloading every tab, keeps serving, and the next edit behaves', async () => {
    const home = await connectHmrClient(dev, { page: '/' })
    const about = await connectHmrClient(dev, { page: '/about' })
    const core = pluginState.sessionOf(dev.server.environments.ssr).core
    core.__injectPanicOnNextChange()

    const since = [home.payloads.length, about.payloads.length]
    const logsBefore = dev.logs.length
    dev.edit('src/data/greeting.js', (code) => code.replace('hello v1', 'hello v2'))
    // Both tabs reload, although only / depends on the edit: safety first.
    await home.waitFor(isFullReload, { since: since[0] })
    await about.waitFor(isFullReload, { since: since[1] })
    const warnings = logsSince(dev, logsBefore).filter((log) => log.level === 'warn')
    expect(warnings).toHaveLength(1)
    // Natively the panic's message is the error's; on wasm the call traps (`unreachable`), Rust
    // prints the message on stderr, and the plugin says a fresh core took over.
    expect(warnings[0].message).toMatch(
      onWasm
        ? /\[ssr-hmr\] deciding failed, reloading every tab instead: unreachable/
        : /\[ssr-hmr\] deciding failed, reloading every tab instead: .*fault injected by a test/,
    )
    const recovered = logsSince(dev, logsBefore).filter((log) => log.message.includes('a fresh core took its place'))
    expect(recovered).toHaveLength(onWasm ? 1 : 0)

    const page = await dev.fetchPage('/')
    expect(page.status).toBe(200)
    expect(page.text).toContain('hello v2')

    // Each tab reloads, as a browser does on `full-reload`: its socket closes, its page is
    // rendered again, and the new document's runtime reports which page it shows.
    home.close()
    about.close()
    await dev.fetchPage('/about')
    const homeAgain = await connectHmrClient(dev, { page: '/' })
    const aboutAgain = await connectHmrClient(dev, { page: '/about' })

    dev.edit('src/data/greeting.js', (code) => code.replace('hello v2', 'hello v3'))
    const update = await homeAgain.waitFor(isUpdateEvent)
    expect(pageUrls(update.data)).toEqual(['/'])
    expect(aboutAgain.payloads.filter((payload) => isUpdateEvent(payload) || isFullReload(payload))).toEqual([])
    expect((await dev.fetchPage('/')).text).toContain('hello v3')
    homeAgain.close()
    aboutAgain.close()
  })
})
