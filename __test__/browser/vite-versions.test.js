// The browser runtime on the older supported majors (Vite 6 and 7, installed as the npm
// aliases `vite6` and `vite7`): it loads with their client, reports the page, patches a
// targeted tab in place (the default on a page without a framework part) and morphs another. Vite 8 is covered by every other file here.

import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ssrHmr } from 'vite-plugin-ssr-hmr'
import { startViteDevServer } from '../helpers/dev-server.js'
import { launchBrowser } from '../helpers/browser.js'

let browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(() => browser?.close())

describe.each([
  { name: 'vite 6', load: () => import('vite6') },
  { name: 'vite 7', load: () => import('vite7') },
])('$name', ({ load }) => {
  let dev
  beforeAll(async () => {
    dev = await startViteDevServer('browser-app', { vite: await load(), plugins: [ssrHmr()] })
  })
  afterAll(async () => {
    await browser.closeTabs()
    await dev?.close()
  })

  test('patches the affected tab in place, morphs the morph page, leaves the other alone', async () => {
    const home = await browser.open(dev, '/')
    const about = await browser.open(dev, '/about')
    const form = await browser.open(dev, '/form')
    await form.page.fill('#notes', 'typed')

    dev.edit('src/data/home.js', (code) => code.replace('home v1', 'home v2'))
    dev.edit('src/data/form.js', (code) => code.replace("'form v1'", "'form v2'"))

    await home.waitForText('#data', 'home v2')
    await form.waitForText('#data', 'form v2')
    expect(home.record.documents).toHaveLength(1)
    expect(home.record.errors).toEqual([])
    expect(form.record.documents).toHaveLength(1)
    expect(await form.page.inputValue('#notes')).toBe('typed')
    expect(about.record.documents).toHaveLength(1)
    expect(about.record.updates).toEqual([])
  })
})
