// Broken edits, new files and deleted files in server-only code, on real Vite 8, 7 and 6 dev
// servers: the browser shows Vite's error overlay instead of reloading into a 500 page, and
// every affected tab ends up showing the truth.

import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { isFullReload, isUpdateEvent, pageUrls } from '../helpers/hmr-client.js'
import { pageData, settleAfterEach, startAppWithPlugin, warmUp } from '../helpers/app-with-plugin.js'
import { VITE_VERSIONS } from '../helpers/vite-versions.js'

const isError = (payload) => payload.type === 'custom' && payload.event === 'ssr-hmr:error'

/** A plugin that fails to transform any module containing a marker, as a broken loader would. */
const refuseMarkedModules = {
  name: 'test:refuse-marked-modules',
  transform(code, id) {
    if (code.includes('__REFUSE_TRANSFORM__')) this.error(`refusing to transform ${id.split('/').pop()}`)
  },
}

describe.each(VITE_VERSIONS)('errors, created and deleted files on $name', ({ load }) => {
  let app
  beforeAll(async () => {
    app = await startAppWithPlugin(await load(), { plugins: [refuseMarkedModules] })
    await warmUp(app, ['/', '/about', '/lazy'])
  })
  afterAll(() => app?.close())
  afterEach(() => settleAfterEach(app))

  test('a syntax error in a server-only module shows the overlay; the fix refreshes the page', async () => {
    const tab = await app.openTab('/')
    const since = tab.mark()
    const good = app.read('src/data/greeting.js')

    app.write('src/data/greeting.js', "export const greeting = 'hello")

    const error = await tab.waitFor(isError, { since })
    expect(error.data.err.message).toMatch(/syntax|unterminated|parse/i)
    expect(error.data.err.id ?? error.data.err.loc?.file ?? error.data.err.message).toContain('greeting.js')
    expect(error.data.err.stack).not.toContain(app.root)
    await app.settle()
    expect(since().filter((payload) => isUpdateEvent(payload) || isFullReload(payload))).toEqual([])

    const afterError = tab.mark()
    app.write('src/data/greeting.js', good.replace('hello v1', 'hello fixed'))
    await tab.waitFor(isUpdateEvent, { since: afterError })
    expect(afterError().filter(isError)).toEqual([])
    expect(await pageData(app, '/')).toBe('hello fixed #1')
  })

  test('a burst with a broken module and a good one: the overlay where it breaks, a refresh elsewhere', async () => {
    const home = await app.openTab('/')
    const about = await app.openTab('/about')
    const homeSince = home.mark()
    const aboutSince = about.mark()
    const team = app.read('src/data/team.js')

    app.write('src/data/team.js', "export const team = 'team")
    app.edit('src/data/greeting.js', (code) => code.replace(/hello [\w-]+/, 'hello burst'))

    await about.waitFor(isError, { since: aboutSince })
    await home.waitFor(isUpdateEvent, { since: homeSince })
    await app.settle()
    expect(homeSince().filter(isError)).toEqual([])
    expect(aboutSince().filter((payload) => isUpdateEvent(payload) || isFullReload(payload))).toEqual([])
    expect(await pageData(app, '/')).toBe('hello burst #1')

    const afterError = about.mark()
    app.write('src/data/team.js', team)
    await about.waitFor(isUpdateEvent, { since: afterError })
    expect((await app.fetchPage('/about')).status).toBe(200)
  })

  test('a plugin failing to transform a server-only module shows the overlay too', async () => {
    const tab = await app.openTab('/about')
    const since = tab.mark()
    const good = app.read('src/data/team.js')

    app.write('src/data/team.js', `${good}\n// __REFUSE_TRANSFORM__\n`)

    const error = await tab.waitFor(isError, { since })
    expect(error.data.err.message).toContain('refusing to transform team.js')
    expect(error.data.err.plugin).toBe('test:refuse-marked-modules')
    await app.settle()

    const afterError = tab.mark()
    app.write('src/data/team.js', good.replace('team v1', 'team fixed'))
    await tab.waitFor(isUpdateEvent, { since: afterError })
    expect(await pageData(app, '/about')).toBe('team fixed')
  })

  test('creating the file an import was waiting for refreshes the tab into a working page', async () => {
    const tab = await app.openTab('/about')
    const since = tab.mark()

    app.edit('src/routes/about.js', (code) =>
      code
        .replace(
          "import { label } from '../components/label.js'",
          "import { label } from '../components/label.js'\nimport { extra } from '../data/extra'",
        )
        .replace('${team}', '${team} ${extra}'),
    )
    await tab.waitFor(isUpdateEvent, { since })
    expect((await app.fetchPage('/about')).status).toBe(500)
    await app.settle()

    const afterMissing = tab.mark()
    app.write('src/data/extra.js', "export const extra = 'extra v1'")
    const update = await tab.waitFor(isUpdateEvent, { since: afterMissing })
    expect(pageUrls(update.data)).toEqual(['/about'])
    expect(await pageData(app, '/about')).toMatch(/ extra v1$/)
  })

  test('creating an unrelated file refreshes no tab', async () => {
    const tab = await app.openTab('/about')
    const since = tab.mark()
    app.write('src/data/unused.js', 'export const unused = 1')
    await app.settle()
    await app.settle()
    expect(since()).toEqual([])
  })

  test('deleting a server-only module refreshes its tab into the truth, and restoring it too', async () => {
    const lazy = await app.openTab('/lazy')
    const home = await app.openTab('/')
    const since = lazy.mark()
    const homeSince = home.mark()
    const content = app.read('src/lazy/step-b.js')

    app.remove('src/lazy/step-b.js')

    const update = await lazy.waitFor(isUpdateEvent, { since })
    expect(update.data.files.serverOnly).toEqual(['src/lazy/step-b.js'])
    const broken = await app.fetchPage('/lazy')
    expect(broken.status).toBe(500)
    expect(broken.text).toContain('step-b.js')
    await app.settle()

    const afterDelete = lazy.mark()
    app.write('src/lazy/step-b.js', content.replace('leaf v1', 'leaf back'))
    await lazy.waitFor(isUpdateEvent, { since: afterDelete })
    expect(await pageData(app, '/lazy')).toBe('a>leaf back')
    await app.settle()
    expect(homeSince()).toEqual([])
  })

  test('deleting a module and its import together ends with the tab on a working page', async () => {
    const tab = await app.openTab('/')
    const since = tab.mark()

    app.remove('src/data/count.js')
    app.edit('src/data/index.js', (code) =>
      code.replace("export { count } from './count.js'", "export const count = 'none'"),
    )

    await tab.waitFor(isUpdateEvent, { since })
    await app.settle()
    // Chokidar reports a deletion up to 100 ms late (it waits for an atomic re-add), so
    // the edit and the deletion may make two decisions; each leaves a working page.
    expect(since().filter(isUpdateEvent).length).toBeLessThanOrEqual(2)
    expect(since().filter(isError)).toEqual([])
    expect(await pageData(app, '/')).toMatch(/#none$/)
  })
})
