// Exact targeting in Chromium: a tab is disturbed if and only if what its URL renders now
// differs from what it shows. The app imports every route statically (so every page's
// closure reaches every edit) and has the shapes that defeat a cheaper rule: a file read with
// fs, a memoized value, a module two pages take with import(), a cookie-dependent page, and
// pages that differ on every render. Each case runs with every refresh strategy; 'auto' (the
// default) patches these pages in place (no framework part applies).

import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { ssrHmr } from 'vite-plugin-ssr-hmr'
import { launchBrowser } from '../helpers/browser.js'
import { waitUntil } from '../helpers/wait.js'
import { startViteDevServer } from '../helpers/dev-server.js'
import { logsSince } from '../helpers/logs.js'

describe.each(['auto', 'reload', 'morph', 'event'])("exact targeting with refresh: '%s'", (strategy) => {
  let dev
  let browser
  const contexts = []
  beforeAll(async () => {
    ;[dev, browser] = await Promise.all([
      startViteDevServer('static-routes-app', { plugins: [ssrHmr({ refresh: strategy, watch: ['content/**'] })] }),
      launchBrowser(),
    ])
  })
  afterAll(async () => {
    await browser?.close()
    await dev?.close()
  })
  afterEach(async () => {
    await browser.closeTabs()
    for (const context of contexts.splice(0)) await context.close()
  })

  const versions = {}
  /** Writes `file` (a one-export module, or a text file) with its next version of `text`. */
  function bump(file, text) {
    versions[file] = (versions[file] ?? 1) + 1
    const value = `${text} v${versions[file]}`
    if (file.endsWith('.md')) dev.write(file, `${value}\n`)
    else dev.edit(file, (code) => code.replace(new RegExp(`${text} v\\d+`), value))
    return value
  }

  async function openMarked(url, context) {
    const tab = await browser.open(dev, url, { context })
    await tab.evaluate(() => (window.marker = 'kept'))
    return tab
  }

  async function withCookie(name) {
    const context = await browser.browser.newContext()
    await context.addCookies([{ name: 'name', value: name, url: dev.origin }])
    contexts.push(context)
    return context
  }

  const verdicts = (tab) => tab.record.updates.map((update) => update.verdict)

  /**
   * The tab's page changed: it shows the new render as its strategy does it (`#data` has
   * `text`, and `#time` changed when the page has a clock).
   */
  async function expectRefreshed(tab, text) {
    const time = await tab.evaluate(() => document.querySelector('#time')?.textContent)
    if (strategy === 'event') {
      // The page is the app's: it was told, with the verdict, and nothing else happened.
      await waitUntil(() => verdicts(tab).includes('changed'), 'a changed verdict')
      expect(tab.record.documents).toHaveLength(1)
      return
    }
    await tab.waitForText('#data', text)
    if (time !== undefined)
      await waitUntil(
        () => tab.evaluate((before) => document.querySelector('#time').textContent !== before, time),
        'a new render',
      )
    expect(tab.record.documents).toHaveLength(strategy === 'reload' ? 2 : 1)
    // Its check, and the first time its page differs, one more to learn what differs between
    // two renders with no edit between them.
    expect(tab.record.pageFetches.length).toBeGreaterThanOrEqual(1)
    expect(tab.record.pageFetches.length).toBeLessThanOrEqual(2)
  }

  /** The tab's page did not change: not reloaded, not morphed, same document and state. */
  async function expectUntouched(tab, text) {
    await waitUntil(() => verdicts(tab).includes('unchanged'), 'an unchanged verdict')
    expect(verdicts(tab)).toEqual(['unchanged'])
    expect(await tab.evaluate(() => window.marker)).toBe('kept')
    expect(tab.record.documents).toHaveLength(1)
    expect(await tab.text('#data')).toBe(text)
    expect(tab.record.console).toContainEqual(
      expect.stringMatching(/^\[ssr-hmr\] .+ changed: \/\S* output unchanged, not refreshed$/),
    )
  }

  test("a static route table: an edit of one route's data disturbs only the tab showing that route", async () => {
    const home = await openMarked('/')
    const about = await openMarked('/about')
    const logsBefore = dev.logs.length

    const text = bump('src/server/about-data.js', 'about')

    await expectRefreshed(about, text)
    await expectUntouched(home, 'home v1')
    // Loader-level detail: the route module that reads the edited data, on the importer chain
    // from the change up to the page's root (its entry: routes are imported statically).
    const update = about.record.updates.find((data) => data.verdict === 'changed')
    expect(update.roots).toEqual([
      {
        root: 'src/entry-server.js',
        file: 'src/server/about-data.js',
        chain: ['src/server/about-data.js', 'src/routes/about.js', 'src/entry-server.js'],
      },
    ])
    expect(update.pages.map((page) => page.url)).toEqual(['/', '/about'])
    const doing = {
      auto: 'patched in place (1 element)',
      reload: 'reloading',
      morph: 'morphing',
      event: 'ssr-hmr:update left to the app',
    }[strategy]
    expect(about.record.console).toContain(
      `[ssr-hmr] src/server/about-data.js changed: /about re-rendered differently, ${doing}`,
    )
    const verb = { auto: 'refresh', reload: 'reload', morph: 'morph', event: 'event to' }[strategy]
    // 'auto' tabs then say which way they refreshed.
    const lines = strategy === 'auto' ? 2 : 1
    const logLines = () =>
      logsSince(dev, logsBefore)
        .map((log) => log.message)
        .filter((message) => message.includes('ssr-hmr '))
    await waitUntil(() => logLines().length >= lines, 'the log lines')
    expect(logLines()).toEqual([
      expect.stringMatching(
        new RegExp(
          `^ssr-hmr ${verb} 1 of 2 tabs \\(/about\\) ← src/server/about-data\\.js, output unchanged in 1 tab \\(/\\), \\d+ modules invalidated, \\d+\\.\\d\\d ms$`,
        ),
      ),
      ...(strategy === 'auto' ? ['ssr-hmr in place /about (three-way-patch)'] : []),
    ])
  })

  test('a file read with fs (`watch`) disturbs only the page that reads it', async () => {
    const content = await openMarked('/content')
    const about = await openMarked('/about')
    // Browsers ask for the favicon with every page: it is not a page.
    await fetch(`${dev.origin}/favicon.ico`, { headers: { accept: 'image/*', 'sec-fetch-dest': 'image' } })

    const text = bump('content/intro.md', 'Intro')

    await expectRefreshed(content, text)
    await expectUntouched(about, versionOf('src/server/about-data.js', 'about'))
    expect(content.record.updates[0].reloadAll).toBe(true)
    expect(content.record.updates[0].pages.map((page) => page.url)).not.toContain('/favicon.ico')
  })

  test('a value memoized by another module: both pages showing it refresh', async () => {
    const a = await openMarked('/memo-a')
    // /memo-b shows what memo.js cached while /memo-a rendered; it never reads config.js.
    const b = await openMarked('/memo-b')

    const text = bump('src/server/config.js', 'config')

    await expectRefreshed(a, text)
    await expectRefreshed(b, text)
  })

  test('a module two pages take with import(): both refresh', async () => {
    const a = await openMarked('/lazy-a')
    // Served from the runner's cache to this second page.
    const b = await openMarked('/lazy-b')

    const text = bump('src/server/shared-lazy.js', 'shared')

    await expectRefreshed(a, text)
    await expectRefreshed(b, text)
  })

  test('a page that depends on cookies: each tab is checked with its own', async () => {
    const ada = await openMarked('/greet', await withCookie('Ada'))
    const grace = await openMarked('/greet', await withCookie('Grace'))
    expect(await ada.text('#data')).toBe('Hello, Ada')

    dev.edit('src/server/greetings.js', (code) => code.replace("Ada: 'Hello'", "Ada: 'Welcome back'"))

    await expectRefreshed(ada, 'Welcome back, Ada')
    await expectUntouched(grace, 'Hello, Grace')
  })

  test('a page that differs on every render only where it does not matter is left alone, like the same page with its clock marked volatile', async () => {
    const clock = await openMarked('/clock')
    const marked = await openMarked('/clock-marked')

    // An edit both pages' closures reach (every route is imported) that changes neither.
    bump('src/server/home-data.js', 'home')

    await expectUntouched(clock, 'clock v1')
    await expectUntouched(marked, 'clock v1')
    // Learning what differs took one more check render of /clock, and only of /clock.
    expect(clock.record.pageFetches).toHaveLength(2)
    expect(marked.record.pageFetches).toHaveLength(1)
  })

  test('a data change next to what differs on every render still refreshes the tab', async () => {
    const clock = await openMarked('/clock')
    const value = bump('src/server/clock-data.js', 'clock')
    if (strategy === 'event') await waitUntil(() => verdicts(clock).includes('changed'), 'a changed verdict')
    else await clock.waitForText('#data', value)
    expect(verdicts(clock)).not.toContain('unchanged')
  })

  function versionOf(file, text) {
    return `${text} v${versions[file] ?? 1}`
  }
})
