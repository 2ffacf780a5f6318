// The WebAssembly fallback as a host without a native binary gets it (StackBlitz, FreeBSD,
// Windows on ARM, an unusual libc): pack the root package and the wasm32-wasip1 package,
// install only those two tarballs into a fresh project outside the repository, start a real
// Vite dev server there, and see a server-only edit refresh the right tab in Chromium.
// Nothing forces the fallback: there simply is no native package to load.

import { execFileSync, spawn } from 'node:child_process'
import {
  copyFileSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchBrowser } from '../helpers/browser.js'
import { waitUntil } from '../helpers/wait.js'
import { installedPlatformPackages, installProject, pack, repo, rootManifest, stagePlatformPackage } from './project.js'

const WASM_PACKAGE = `${rootManifest.name}-wasm32-wasip1`

describe('installed with the WebAssembly package only', () => {
  let work
  let app
  let rootTarball
  let server
  let origin
  let browser
  const serverLog = []

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'ssr-hmr-wasm-only-'))
    rootTarball = pack(repo, work)
    const wasmTarball = pack(stagePlatformPackage('wasm32-wasip1', work), work)
    app = path.join(work, 'app')
    cpSync(path.join(repo, '__test__/fixtures/basic'), app, { recursive: true })
    copyFileSync(fileURLToPath(new URL('./app-server.js', import.meta.url)), path.join(app, 'server.js'))
    installProject(app, [rootTarball, wasmTarball])

    server = spawn(process.execPath, ['server.js'], {
      cwd: app,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBUG: 'vite:ssr-hmr' },
    })
    createInterface({ input: server.stderr }).on('line', (line) => serverLog.push(line))
    const firstLine = await new Promise((resolve, reject) => {
      createInterface({ input: server.stdout }).once('line', resolve)
      server.once('exit', (code) => reject(new Error(`app server exited with ${code}: ${serverLog.join('\n')}`)))
    })
    ;({ origin } = JSON.parse(firstLine))
    browser = await launchBrowser()
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    if (server && server.exitCode === null) {
      server.kill('SIGTERM')
      await new Promise((resolve) => server.once('exit', resolve))
    }
    if (work) rmSync(work, { recursive: true, force: true })
  })

  test('the project holds the WebAssembly package and no native one, and the plugin uses it', () => {
    expect(installedPlatformPackages(app)).toEqual([WASM_PACKAGE])
    const installed = path.join(app, 'node_modules', rootManifest.name)
    expect(readdirSync(installed).some((name) => /\.(node|wasm)$/.test(name))).toBe(false)
    expect(readdirSync(path.join(app, 'node_modules', WASM_PACKAGE))).toContain('ssr-hmr.wasm32-wasip1.wasm')
    expect(serverLog.some((line) => line.includes('core: WebAssembly (wasm32-wasip1)'))).toBe(true)
  })

  test('a server-only edit updates the tab showing its page, and only that tab', async () => {
    const home = await browser.open({ origin }, '/')
    const about = await browser.open({ origin }, '/about')
    expect(await home.text('#data')).toBe('hello v1')
    const documents = [home.record.documents.length, about.record.documents.length]
    const reportsBefore = home.reportCount()

    const file = path.join(app, 'src/data/greeting.js')
    writeFileSync(file, readFileSync(file, 'utf8').replace('hello v1', 'hello v2'))

    expect(await home.waitForText('#data', 'hello v2')).toBe('hello v2')
    await home.reported('/', reportsBefore)
    // The default ('auto') patches this server-rendered page in place: no document load.
    expect(home.record.documents.length).toBe(documents[0])
    const update = home.record.updates.at(-1)
    expect(update).toMatchObject({ strategy: 'auto', page: '/', files: { serverOnly: ['src/data/greeting.js'] } })
    expect(update.pages.map((page) => page.url)).toEqual(['/'])
    // The decision line is printed once the tabs were sent their update; /about got none.
    await waitUntil(() => serverLog.some((line) => line.includes('decision auto')), 'the decision in the server log')
    expect(about.record.documents.length).toBe(documents[1])
    expect(about.record.updates).toEqual([])
    expect([...home.record.errors, ...about.record.errors]).toEqual([])
  })

  test('without the WebAssembly package either, creating the plugin throws one clear error', () => {
    const wasmPackage = path.join(app, 'node_modules', WASM_PACKAGE)
    renameSync(wasmPackage, `${wasmPackage}.hidden`)
    try {
      const script =
        "import('vite-plugin-ssr-hmr').then((m) => m.ssrHmr()).catch((e) => { console.error(e.message); process.exit(3) })"
      let stderr = ''
      try {
        execFileSync(process.execPath, ['-e', script], {
          cwd: app,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      } catch (error) {
        expect(error.status).toBe(3)
        stderr = error.stderr
      }
      const libc =
        process.platform === 'linux'
          ? `, libc: ${process.report.getReport().header.glibcVersionRuntime ? 'gnu' : 'musl'}`
          : ''
      expect(stderr).toContain(
        '[vite-plugin-ssr-hmr] could not load its core: neither a native binary nor the WebAssembly fallback.',
      )
      expect(stderr).toContain(`platform: ${process.platform}, arch: ${process.arch}${libc}, node: ${process.version}`)
      expect(stderr).toMatch(
        new RegExp(`${rootManifest.name}-${process.platform}-${process.arch}\\S* .*: not (installed|published)`),
      )
      expect(stderr).toContain(`${WASM_PACKAGE} (WebAssembly, any platform): not installed`)
      expect(stderr).toContain(`npm install -D ${WASM_PACKAGE}`)
      expect(stderr).not.toMatch(/^Error: Cannot find/m)
    } finally {
      renameSync(`${wasmPackage}.hidden`, wasmPackage)
    }
  })
})
