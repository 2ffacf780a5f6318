// The flow users get from the registry: pack the root package and the linux-x64-gnu platform
// package, install both tarballs into a fresh project outside the repository, start a real
// Vite dev server there and see a server-only edit reach the browser.

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
import { connectHmrClient, isUpdateEvent } from '../helpers/hmr-client.js'
import { installedPlatformPackages, installProject, pack, repo, rootManifest, stagePlatformPackage } from './project.js'

const isLinuxX64Gnu =
  process.platform === 'linux' && process.arch === 'x64' && !!process.report?.getReport().header.glibcVersionRuntime

describe.runIf(isLinuxX64Gnu)('installed from packed tarballs', () => {
  let work
  let app
  let server
  let origin
  let token

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'ssr-hmr-packaging-'))
    // The platform package gets the freshly built addon, as `napi artifacts` does in a release.
    const rootTarball = pack(repo, work)
    const platformTarball = pack(stagePlatformPackage('linux-x64-gnu', work), work)

    app = path.join(work, 'app')
    cpSync(path.join(repo, '__test__/fixtures/basic'), app, { recursive: true })
    copyFileSync(fileURLToPath(new URL('./app-server.js', import.meta.url)), path.join(app, 'server.js'))
    installProject(app, [rootTarball, platformTarball])

    server = spawn(process.execPath, ['server.js'], { cwd: app, stdio: ['ignore', 'pipe', 'inherit'] })
    const firstLine = await new Promise((resolve, reject) => {
      createInterface({ input: server.stdout }).once('line', resolve)
      server.once('exit', (code) => reject(new Error(`app server exited with ${code}`)))
    })
    ;({ origin, token } = JSON.parse(firstLine))
  }, 180_000)

  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM')
      await new Promise((resolve) => server.once('exit', resolve))
    }
    if (work) rmSync(work, { recursive: true, force: true })
  })

  test('the root tarball ships the shim and loader, and no native binary', () => {
    const installed = path.join(app, 'node_modules/vite-plugin-ssr-hmr')
    expect(readdirSync(installed).sort()).toEqual(
      expect.arrayContaining(['binding.cjs', 'client', 'index.d.ts', 'index.js', 'lib', 'package.json']),
    )
    expect(readdirSync(installed).some((name) => name.endsWith('.node'))).toBe(false)
    // The browser runtime is several files: every one of them is shipped.
    expect(readdirSync(path.join(installed, 'client')).sort()).toEqual(readdirSync(path.join(repo, 'client')).sort())
    const platformPackage = path.join(app, `node_modules/${rootManifest.name}-linux-x64-gnu`)
    expect(readdirSync(platformPackage)).toContain('ssr-hmr.linux-x64-gnu.node')
    // Only what was given: the other platforms' packages (and the WebAssembly one) are not
    // published from this checkout, so npm skips them as missing optional dependencies.
    expect(installedPlatformPackages(app)).toEqual([`${rootManifest.name}-linux-x64-gnu`])
  })

  test('the installed dev server serves every file of the browser runtime, imported from its entry', async () => {
    const served = new Set()
    const queue = ['/@id/__x00__virtual:ssr-hmr/runtime']
    while (queue.length > 0) {
      const url = queue.shift()
      if (served.has(url)) continue
      served.add(url)
      const response = await fetch(origin + url)
      expect(response.status, url).toBe(200)
      const text = await response.text()
      for (const [, imported] of text.matchAll(/from "(\/@id\/__x00__virtual:ssr-hmr\/[^"]+)"/g)) queue.push(imported)
    }
    const files = readdirSync(path.join(repo, 'client')).filter((name) => name.endsWith('.js') && name !== 'runtime.js')
    expect([...served].sort()).toEqual(
      ['/@id/__x00__virtual:ssr-hmr/runtime', ...files.map((name) => `/@id/__x00__virtual:ssr-hmr/${name}`)].sort(),
    )
  })

  test('a server-only edit in the installed project reaches the browser', async () => {
    const page = await fetch(`${origin}/`)
    expect(await page.text()).toContain('hello v1')
    const tab = await connectHmrClient({ origin, token }, { page: '/' })
    const since = tab.payloads.length
    const file = path.join(app, 'src/data/greeting.js')
    writeFileSync(file, readFileSync(file, 'utf8').replace('hello v1', 'hello v2'))
    const update = await tab.waitFor(isUpdateEvent, { since, timeout: 10_000 })
    expect(update.data.files.serverOnly).toEqual(['src/data/greeting.js'])
    expect(await (await fetch(`${origin}/`)).text()).toContain('hello v2')
    tab.close()
  })

  test('without its platform package, creating the plugin throws one clear error', () => {
    const platformPackage = path.join(app, `node_modules/${rootManifest.name}-linux-x64-gnu`)
    renameSync(platformPackage, `${platformPackage}.hidden`)
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
      expect(stderr).toContain(
        '[vite-plugin-ssr-hmr] could not load its core: neither a native binary nor the WebAssembly fallback.',
      )
      expect(stderr).toContain(`platform: linux, arch: x64, libc: gnu, node: ${process.version}`)
      expect(stderr).toContain(`${rootManifest.name}-linux-x64-gnu (native binary for this platform): not installed`)
      expect(stderr).toContain(`${rootManifest.name}-wasm32-wasip1 (WebAssembly, any platform): not installed`)
      expect(stderr).toContain('How to fix:')
      expect(stderr).not.toMatch(/^Error: Cannot find module/m)
    } finally {
      renameSync(`${platformPackage}.hidden`, platformPackage)
    }
  })
})
