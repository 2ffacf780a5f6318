// What the plugin says through Vite's logger, on real Vite 8, 7 and 6: one line per decision
// in the style of Vite's own `hmr update` / `page reload` lines (the files and their class,
// modules invalidated, tabs refreshed, time), nothing for edits Vite handles alone, and with
// `DEBUG=vite:ssr-hmr` the importer chains and timings.

import { format } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { debug } from '../../lib/logger.js'
import { isUpdateEvent, isViteUpdate } from '../helpers/hmr-client.js'
import { settleAfterEach, startAppWithPlugin, warmUp } from '../helpers/app-with-plugin.js'
import { VITE_VERSIONS } from '../helpers/vite-versions.js'

const isError = (payload) => payload.type === 'custom' && payload.event === 'ssr-hmr:error'

describe.each(VITE_VERSIONS)('logging on $name', ({ load }) => {
  let app
  beforeAll(async () => {
    app = await startAppWithPlugin(await load())
    await warmUp(app, ['/', '/about'])
  })
  afterAll(() => app?.close())
  afterEach(() => settleAfterEach(app))

  const messages = (since) => app.pluginLogs(since).map((log) => `${log.level} ${log.message}`)

  test('a server-only edit: one line with the file, its class, modules invalidated, tabs refreshed, time', async () => {
    const home = await app.openTab('/')
    await app.openTab('/about')
    const since = home.mark()
    const logsBefore = app.logs.length

    app.edit('src/data/greeting.js', (code) => code.replace('hello v1', 'hello logged'))

    await home.waitFor(isUpdateEvent, { since })
    await app.settle()
    expect(messages(logsBefore)).toEqual([
      expect.stringMatching(
        /^info ssr-hmr refresh 1 of 2 tabs \(\/\) ← src\/data\/greeting\.js, 4 modules invalidated, \d+\.\d\d ms$/,
      ),
    ])
  })

  test('a shared edit: one line for the server side, the browser left to Vite', async () => {
    const home = await app.openTab('/')
    const since = home.mark()
    const logsBefore = app.logs.length

    app.edit('src/components/label.js', (code) => code.replace('label:', 'logged:'))

    await home.waitFor(isViteUpdate, { since })
    await app.settle()
    expect(messages(logsBefore)).toEqual([
      expect.stringMatching(
        /^info ssr-hmr server update ← src\/components\/label\.js \(shared\), browser left to Vite, \d+ modules invalidated, \d+\.\d\d ms$/,
      ),
    ])
  })

  test('a client-only edit: nothing (Vite logs its own hmr update)', async () => {
    const home = await app.openTab('/')
    const since = home.mark()
    const logsBefore = app.logs.length
    app.edit('src/widget.js', (code) => code.replace('widget v1', 'widget logged'))
    await home.waitFor(isViteUpdate, { since })
    await app.settle()
    expect(messages(logsBefore)).toEqual([])
  })

  test('a broken server-only edit: one error line naming the file and the tabs shown the overlay', async () => {
    const about = await app.openTab('/about')
    const since = about.mark()
    const logsBefore = app.logs.length
    const good = app.read('src/data/team.js')

    app.write('src/data/team.js', "export const team = 'team")

    await about.waitFor(isError, { since })
    await app.settle()
    expect(messages(logsBefore)).toEqual([
      expect.stringMatching(
        /^error ssr-hmr error overlay src\/data\/team\.js: failed to compile, shown in 1 of 1 tab: /,
      ),
    ])
    app.write('src/data/team.js', good)
  })

  // DEBUG is read when the dev server starts (the core keeps importer chains only when asked),
  // so this one gets a server of its own, started with the namespace on.
  test("DEBUG=vite:ssr-hmr adds each environment's classification, the importer chains and timings", async () => {
    const lines = []
    const { enabled, log } = debug
    debug.enabled = true
    debug.log = (...args) => lines.push(format(...args))
    let debugged
    try {
      debugged = await startAppWithPlugin(await load())
      await warmUp(debugged, ['/', '/about'])
      const home = await debugged.openTab('/')
      const since = home.mark()
      debugged.edit('src/data/greeting.js', (code) => code.replace(/hello \w+/, 'hello debugged'))
      await home.waitFor(isUpdateEvent, { since })
      await debugged.settle()
    } finally {
      debug.enabled = enabled
      debug.log = log
      await debugged?.close()
    }
    const text = lines.join('\n')
    expect(text).toMatch(/\(ssr\) src\/data\/greeting\.js: server-only, invalidate 4/)
    expect(text).toMatch(/\(edge\) src\/data\/greeting\.js: unknown/)
    expect(text).toMatch(/decision auto \d+\.\d ms after the first change/)
    expect(text).toMatch(/compiled 1 server-only file: \d+\.\d ms/)
    expect(text).toMatch(/src\/data\/greeting\.js → \/: src\/data\/greeting\.js( ← [\w/.-]+)*/)
  })
})
