// Another plugin's bare `full-reload` for a server-only edit is replaced by the targeted
// decision whatever sends it, on real Vite 8, 7 and 6: the plugin's view of a change opens at
// the watcher's event, before any other plugin's code runs for it. Qwik's Vite plugin sends
// its reload from a legacy `handleHotUpdate`, which Vite runs before the plugin's own client
// `hotUpdate` (order 'post'); a framework may also send it from a `hotUpdate` of any order in
// any environment, or from a watcher listener of its own.

import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { isFullReload, isUpdateEvent, pageUrls } from '../helpers/hmr-client.js'
import { writeBurst } from '../helpers/burst.js'
import { pageData, settleAfterEach, startAppWithPlugin, warmUp } from '../helpers/app-with-plugin.js'
import { VITE_VERSIONS } from '../helpers/vite-versions.js'
import { sleep } from '../helpers/wait.js'

/** Where each inline framework sends its reload from. */
const SENDERS = ['handleHotUpdate', 'client hotUpdate pre', 'ssr hotUpdate pre', 'watcher listener']

/**
 * One plugin per way of sending a blanket reload (the docs recipe: every tab, no page), on
 * every change; only the sender a test picks is active.
 */
function blanketReloaders(active) {
  const reload = (server, sender) => {
    if (active.sender !== sender) return
    active.sent++
    server.ws.send({ type: 'full-reload' })
  }
  return [
    {
      name: 'test:handle-hot-update-reload',
      handleHotUpdate({ server }) {
        reload(server, 'handleHotUpdate')
      },
    },
    {
      name: 'test:hot-update-pre-reload',
      hotUpdate: {
        order: 'pre',
        handler({ server }) {
          reload(server, `${this.environment.name} hotUpdate pre`)
        },
      },
    },
    {
      name: 'test:watcher-reload',
      configureServer(server) {
        server.watcher.on('change', () => reload(server, 'watcher listener'))
      },
    },
  ]
}

describe.each(VITE_VERSIONS)("another plugin's reload on $name", ({ load }) => {
  let app
  const active = { sender: undefined, sent: 0 }
  beforeAll(async () => {
    app = await startAppWithPlugin(await load(), { plugins: blanketReloaders(active) })
    await warmUp(app, ['/', '/about'])
  })
  afterAll(() => app?.close())
  afterEach(async () => {
    await settleAfterEach(app)
    active.sender = undefined
  })

  test.each(SENDERS)('sent from a %s: replaced by the targeted decision, and logged', async (sender) => {
    const home = await app.openTab('/')
    const about = await app.openTab('/about')
    const homeSince = home.mark()
    const aboutSince = about.mark()
    const logsBefore = app.logs.length
    active.sender = sender

    app.edit('src/data/greeting.js', (code) => code.replace(/hello [\w-]+/, `hello ${sender.replaceAll(' ', '-')}`))

    const update = await home.waitFor(isUpdateEvent, { since: homeSince })
    expect(pageUrls(update.data)).toEqual(['/'])
    await app.settle()
    await sleep(100)
    expect(homeSince().filter(isFullReload)).toEqual([])
    expect(aboutSince()).toEqual([])
    expect(app.pluginLogs(logsBefore).map((log) => log.message)).toEqual([
      expect.stringMatching(
        /^ssr-hmr refresh 1 of 2 tabs \(\/\) ← src\/data\/greeting\.js, another plugin's full-reload replaced, /,
      ),
    ])
  })

  test.each(['handleHotUpdate', 'watcher listener'])(
    'a burst, each edit reloaded from a %s: every reload replaced, the window closes',
    async (sender) => {
      const home = await app.openTab('/')
      const about = await app.openTab('/about')
      const homeSince = home.mark()
      const aboutSince = about.mark()
      active.sender = sender
      active.sent = 0
      const token = `burst-${sender.replaceAll(' ', '-')}`

      await writeBurst(8, 30, (i) =>
        app.edit('src/data/greeting.js', (code) => code.replace(/hello [\w-]+/, `hello ${token}-${i + 1}`)),
      )

      await home.waitFor(isUpdateEvent, { since: homeSince })
      await app.settle()
      await sleep(100)
      expect(active.sent).toBeGreaterThan(0)
      expect(app.session.busy).toBe(false)
      expect(homeSince().filter(isFullReload)).toEqual([])
      expect(aboutSince()).toEqual([])
      expect(await pageData(app, '/')).toContain(`hello ${token}-8 `)
    },
  )
})
