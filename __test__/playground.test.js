// The README's main command serves the playground, and an edit of its server-only module
// reloads the open page (and only that page). The real `playground/server.js` runs on a
// free port, from a copy inside this package (so `vite-plugin-ssr-hmr` still resolves to
// it) in the ignored `.tmp/`, so the test never edits the committed playground.

import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchBrowser } from './helpers/browser.js'

const repo = fileURLToPath(new URL('../', import.meta.url))

describe('npm run playground', () => {
  let copy
  let server
  let origin
  let browser
  const output = []

  beforeAll(async () => {
    mkdirSync(path.join(repo, '.tmp'), { recursive: true })
    copy = mkdtempSync(path.join(repo, '.tmp', 'playground-'))
    cpSync(path.join(repo, 'playground'), copy, { recursive: true })
    server = spawn(process.execPath, [path.join(copy, 'server.js')], {
      env: { ...process.env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const lines = createInterface({ input: server.stdout })
    lines.on('line', (line) => output.push(line))
    origin = await new Promise((resolve, reject) => {
      lines.on('line', (line) => {
        const url = /playground: (http:\/\/localhost:\d+)\//.exec(line)?.[1]
        if (url) resolve(url.replace('localhost', '127.0.0.1'))
      })
      server.once('exit', (code) => reject(new Error(`the playground exited with ${code}`)))
    })
    browser = await launchBrowser()
  })

  afterAll(async () => {
    await browser?.close()
    if (server?.exitCode === null) {
      server.kill('SIGTERM')
      await new Promise((resolve) => server.once('exit', resolve))
    }
    if (copy) rmSync(copy, { recursive: true, force: true })
  })

  test('prints its URL and which files to edit', () => {
    const text = output.join('\n')
    expect(text).toContain('src/data/messages.js')
    expect(text).toContain('src/data/team.js')
  })

  test("an edit of the home page's server-only module updates that tab only, in place", async () => {
    const home = await browser.open({ origin }, '/')
    const about = await browser.open({ origin }, '/about')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await home.text('#messages')).toContain('Hello from the server')
    await about.evaluate(() => (window.marker = 'kept'))
    await home.evaluate(() => (window.marker = 'kept'))
    const homeDocuments = home.record.documents.length

    const messages = path.join(copy, 'src/data/messages.js')
    writeFileSync(
      messages,
      readFileSync(messages, 'utf8').replace('Hello from the server', 'Hello from the edited server'),
    )

    await home.waitForText('#messages', 'Hello from the edited server')
    // The default ('auto') patches the server-rendered page: no document load, its state kept.
    expect(home.record.documents.length).toBe(homeDocuments)
    expect(await home.evaluate(() => window.marker)).toBe('kept')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await about.evaluate(() => window.marker)).toBe('kept')
  })

  test('an edit of the team data morphs the about tab, and the log line says it morphed', async () => {
    const about = await browser.open({ origin }, '/about')
    await new Promise((resolve) => setTimeout(resolve, 100))
    const documents = about.record.documents.length
    const logged = output.length

    const team = path.join(copy, 'src/data/team.js')
    const [, name] = /name: '([^']+)'/.exec(readFileSync(team, 'utf8'))
    writeFileSync(team, readFileSync(team, 'utf8').replace(name, `${name} (edited)`))

    await about.waitForText('#team', `${name} (edited)`)
    expect(about.record.documents.length, 'morphed, not reloaded').toBe(documents)
    // The page picks `morph` with its <meta name="ssr-hmr">, which only its tab knows: the tab
    // reports it, and the server's line says what the tab did, not what it was configured to do.
    await expect
      .poll(() => output.slice(logged).find((line) => line.includes('ssr-hmr ')), { timeout: 10_000 })
      .toMatch(/ssr-hmr morph \d+ of \d+ tabs \(\/about\) ← src\/data\/team\.js/)
  })
})
