// The flow users get from the registry: pack the root package and the linux-x64-gnu platform
// package, install both tarballs into a fresh project outside the repository, start a real
// Vite dev server there and see a server-only edit reach the browser.

import { execFileSync, spawn } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, copyFileSync, readdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { connectHmrClient, isUpdateEvent } from '../helpers/hmr-client.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const rootManifest = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8'))
const viteVersion = JSON.parse(readFileSync(path.join(repo, 'node_modules/vite/package.json'), 'utf8')).version
const isLinuxX64Gnu = process.platform === 'linux' && process.arch === 'x64' && !!process.report?.getReport().header.glibcVersionRuntime

function npm(args, cwd) {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_loglevel: 'error' } })
}

function pack(directory, destination) {
  const [{ filename }] = JSON.parse(npm(['pack', '--json', '--pack-destination', destination], directory))
  return path.join(destination, filename)
}

describe.runIf(isLinuxX64Gnu)('installed from packed tarballs', () => {
  let work
  let app
  let server
  let origin
  let token

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'ssr-hmr-packaging-'))
    // The platform package gets the freshly built addon, as `napi artifacts` does in a release.
    const platformDir = path.join(work, 'linux-x64-gnu')
    cpSync(path.join(repo, 'npm/linux-x64-gnu'), platformDir, { recursive: true })
    copyFileSync(path.join(repo, 'ssr-hmr.linux-x64-gnu.node'), path.join(platformDir, 'ssr-hmr.linux-x64-gnu.node'))
    const rootTarball = pack(repo, work)
    const platformTarball = pack(platformDir, work)

    app = path.join(work, 'app')
    cpSync(path.join(repo, '__test__/fixtures/basic'), app, { recursive: true })
    copyFileSync(fileURLToPath(new URL('./app-server.js', import.meta.url)), path.join(app, 'server.js'))
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'packaging-app', private: true, type: 'module' }))
    npm(['install', '--no-audit', '--no-fund', '--prefer-offline', rootTarball, platformTarball, `vite@${viteVersion}`], app)

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
    expect(readdirSync(installed).sort()).toEqual(expect.arrayContaining(['binding.cjs', 'client', 'index.d.ts', 'index.js', 'lib', 'package.json']))
    expect(readdirSync(installed).some((name) => name.endsWith('.node'))).toBe(false)
    const platformPackage = path.join(app, `node_modules/${rootManifest.name}-linux-x64-gnu`)
    expect(readdirSync(platformPackage)).toContain('ssr-hmr.linux-x64-gnu.node')
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
      const script = "import('vite-plugin-ssr-hmr').then((m) => m.ssrHmr()).catch((e) => { console.error(e.message); process.exit(3) })"
      let stderr = ''
      try {
        execFileSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      } catch (error) {
        expect(error.status).toBe(3)
        stderr = error.stderr
      }
      expect(stderr).toContain('[vite-plugin-ssr-hmr] could not load its native core.')
      expect(stderr).toContain(`platform: linux, arch: x64, libc: gnu, node: ${process.version}`)
      expect(stderr).toContain(`expected package: ${rootManifest.name}-linux-x64-gnu`)
      expect(stderr).toContain('How to fix:')
      expect(stderr).not.toMatch(/^Error: Cannot find module/m)
    } finally {
      renameSync(`${platformPackage}.hidden`, platformPackage)
    }
  })
})
