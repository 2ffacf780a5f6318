// A framework whose server HMR is a custom event of its own, recognised by what the tabs do with
// it (the core's `refetch.rs`), on real Vite 8, 7 and 6 dev servers. The inline plugin below does
// what `@vitejs/plugin-rsc` does for a server-only edit: it broadcasts a custom event on the
// client environment's channel from the server environment's `hotUpdate`, and its tabs answer by
// fetching their page's output again (plugin-rsc's `rsc:update` → a `_.rsc` fetch). Its name is
// made up: the plugin must not know it.

import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { writeBurst } from '../helpers/burst.js'
import { connectHmrClient, isCheckEvent, isUpdateEvent } from '../helpers/hmr-client.js'
import { sleep } from '../helpers/wait.js'
import { pageData, startAppWithPlugin, warmUp } from '../helpers/app-with-plugin.js'
import { VITE_VERSIONS } from '../helpers/vite-versions.js'

const EVENT = 'some-framework:server-changed'
const isFrameworkEvent = (payload) => payload.type === 'custom' && payload.event === EVENT

/** Broadcasts EVENT for every server-only data edit, once per server hook call, as plugin-rsc does. */
function frameworkWithOwnProtocol(sent) {
  return {
    name: 'test:framework-with-own-protocol',
    hotUpdate(context) {
      if (this.environment.name !== 'ssr' || !context.file.includes('/src/data/')) return
      sent.count++
      context.server.environments.client.hot.send({ type: 'custom', event: EVENT, data: { file: context.file } })
    },
  }
}

describe.each(VITE_VERSIONS)('a framework updating tabs in place with its own custom event on $name', ({ load }) => {
  let app
  const sent = { count: 0 }
  const tabs = []
  beforeAll(async () => {
    app = await startAppWithPlugin(await load(), { plugins: [frameworkWithOwnProtocol(sent)] })
    await warmUp(app, ['/', '/about'])
  })
  afterAll(() => app?.close())
  afterEach(async () => {
    await app.settle()
    for (const tab of tabs.splice(0)) tab.close()
    await sleep(50)
  })

  /** A tab on `page`; `refetches`: it answers the framework's event by fetching its page, as the framework's client does. */
  async function openTab(page, { refetches }) {
    const tab = await connectHmrClient(app, { page })
    tabs.push(tab)
    let fetches = 0
    const answer = () => {
      const unanswered = tab.payloads.filter(isFrameworkEvent).length - fetches
      for (let i = 0; i < unanswered; i++, fetches++) {
        fetch(app.origin + page, { headers: { accept: '*/*', 'sec-fetch-dest': 'empty', referer: app.origin + page } })
          .then((response) => response.text())
          .catch(() => {})
      }
    }
    if (refetches) tab.waitFor(() => (answer(), false), { timeout: 60_000 }).catch(() => {})
    return tab
  }

  test('a tab that re-fetches its page after the event is left to the framework: no check, no refresh', async () => {
    const about = await openTab('/about', { refetches: true })
    const since = about.mark()
    const logsSince = app.logs.length

    app.edit('src/data/team.js', (code) => code.replace(/team v\d+/, 'team v2'))
    await about.waitFor(isFrameworkEvent, { since })
    await app.settle()
    await sleep(600)
    await app.settle()

    expect(since().filter((payload) => isCheckEvent(payload) || isUpdateEvent(payload))).toEqual([])
    expect(await pageData(app, '/about')).toBe('team v2')
    expect(
      app
        .pluginLogs(logsSince)
        .map((log) => log.message)
        .join('\n'),
    ).toMatch(/ssr-hmr in place/)
  })

  test("a tab that does not answer the event gets the plugin's decision: the event alone proves nothing", async () => {
    const about = await openTab('/about', { refetches: false })
    const since = about.mark()

    app.edit('src/data/team.js', (code) => code.replace(/team v\d+/, 'team v3'))
    const update = await about.waitFor(isUpdateEvent, { since })
    // Refreshed (the tab reported no render stamp, so without a check).
    expect(['changed', 'unverified']).toContain(update.data.verdict)
    expect(since().filter(isFrameworkEvent)).toHaveLength(1)
  })

  test('after a burst answered in place, the last event is broadcast once more: the tabs end on the last edit', async () => {
    const about = await openTab('/about', { refetches: true })
    const since = about.mark()
    const before = sent.count

    await writeBurst(4, 40, (i) => app.edit('src/data/team.js', (code) => code.replace(/team v\d+/, `team v${10 + i}`)))
    await app.settle()
    await sleep(1000)
    await app.settle()

    const broadcast = sent.count - before
    expect(broadcast).toBeGreaterThan(1)
    expect(since().filter(isFrameworkEvent)).toHaveLength(broadcast + 1)
    expect(since().filter((payload) => isCheckEvent(payload) || isUpdateEvent(payload))).toEqual([])
    expect(await pageData(app, '/about')).toBe('team v13')
  })
})
