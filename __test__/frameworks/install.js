// Installs each framework app's dependencies once per content of its package.json and
// package-lock.json, into a cache outside every app root (the repository's
// node_modules/.cache, or SSR_HMR_FRAMEWORKS_CACHE), and gives each test its own copy of the
// app: the app's files copied, node_modules hard-linked from the cache (copied where links
// cannot be made), and this repository linked as `vite-plugin-ssr-hmr`. Edits therefore
// never touch committed files, and a brand-new machine installs each app once, on first use.

import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

export const REPO = fileURLToPath(new URL('../../', import.meta.url))
export const APPS_DIR = fileURLToPath(new URL('./apps/', import.meta.url))
export const CACHE_DIR =
  process.env.SSR_HMR_FRAMEWORKS_CACHE ?? path.join(REPO, 'node_modules/.cache/ssr-hmr-frameworks')
/** Test copies of the apps and their dev servers' logs: outside the repository and the cache. */
export const WORK_DIR = path.join(os.tmpdir(), 'ssr-hmr-frameworks')

/** Files of an app that are not copied into a test's copy. */
const NOT_COPIED = new Set(['node_modules', 'package-lock.json'])
/** Another process installing the same app: wait this long for it before taking over. */
const STALE_LOCK_MS = 15 * 60_000

/** What an install depends on: the manifest, the lockfile, Node's major version and the platform. */
export function installKey(app) {
  const hash = createHash('sha256')
  for (const name of ['package.json', 'package-lock.json']) {
    const file = path.join(APPS_DIR, app, name)
    hash.update(`${name}\0${existsSync(file) ? readFileSync(file) : ''}\0`)
  }
  hash.update(`${process.versions.node.split('.')[0]}\0${process.platform}\0${process.arch}`)
  return hash.digest('hex').slice(0, 16)
}

/**
 * The folder holding the app's installed node_modules, installing it first if no install of
 * this exact manifest and lockfile exists. Safe when several test files ask at once: one
 * installs, the others wait for it.
 *
 * @returns {Promise<{ dir: string, installMs: number, cached: boolean }>}
 */
export async function ensureInstalled(app) {
  const dir = path.join(CACHE_DIR, `${app}-${installKey(app)}`)
  const marker = path.join(dir, 'installed.json')
  if (existsSync(marker)) return { dir, ...JSON.parse(readFileSync(marker, 'utf8')), cached: true }
  mkdirSync(CACHE_DIR, { recursive: true })
  const lock = `${dir}.lock`
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch (error) {
      if (error.code !== 'EEXIST') throw error
    }
    if (existsSync(marker)) return { dir, ...JSON.parse(readFileSync(marker, 'utf8')), cached: true }
    if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > STALE_LOCK_MS)
      rmSync(lock, { recursive: true, force: true })
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  try {
    if (existsSync(marker)) return { dir, ...JSON.parse(readFileSync(marker, 'utf8')), cached: true }
    const staging = `${dir}.staging-${process.pid}`
    rmSync(staging, { recursive: true, force: true })
    mkdirSync(staging, { recursive: true })
    for (const name of ['package.json', 'package-lock.json']) {
      const file = path.join(APPS_DIR, app, name)
      if (existsSync(file)) cpSync(file, path.join(staging, name))
    }
    const started = Date.now()
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
      cwd: staging,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, npm_config_update_notifier: 'false' },
    })
    const info = { installMs: Date.now() - started, installedAt: new Date().toISOString() }
    writeFileSync(path.join(staging, 'installed.json'), JSON.stringify(info))
    rmSync(dir, { recursive: true, force: true })
    renameSync(staging, dir)
    pruneOtherInstalls(app, dir)
    return { dir, ...info, cached: false }
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

/** Installs of earlier versions of this app's manifest or lockfile are of no further use. */
function pruneOtherInstalls(app, keep) {
  for (const entry of readdirSync(CACHE_DIR)) {
    if (!new RegExp(`^${app}-[0-9a-f]{16}$`).test(entry) || path.join(CACHE_DIR, entry) === keep) continue
    rmSync(path.join(CACHE_DIR, entry), { recursive: true, force: true })
  }
}

/**
 * A fresh copy of an app to run and edit: its own folder under the system's temp folder, with
 * the installed node_modules and this repository as `vite-plugin-ssr-hmr`.
 */
export async function copyApp(app) {
  const install = await ensureInstalled(app)
  mkdirSync(WORK_DIR, { recursive: true })
  const root = mkdtempSync(path.join(WORK_DIR, `${app}-`))
  for (const entry of readdirSync(path.join(APPS_DIR, app))) {
    if (!NOT_COPIED.has(entry)) cpSync(path.join(APPS_DIR, app, entry), path.join(root, entry), { recursive: true })
  }
  await linkTree(path.join(install.dir, 'node_modules'), path.join(root, 'node_modules'))
  // The plugin as this repository has it now (its native addon built by `npm run build`).
  symlinkSync(REPO, path.join(root, 'node_modules', 'vite-plugin-ssr-hmr'), 'dir')
  const file = (relative) => path.join(root, relative)
  return {
    app,
    root,
    install,
    file,
    read: (relative) => readFileSync(file(relative), 'utf8'),
    write: (relative, content) => writeFileSync(file(relative), content),
    remove: () => rmSync(root, { recursive: true, force: true }),
  }
}

/** Hard links (fast, no copy of the bytes); a plain copy where the file system refuses links. */
async function linkTree(from, to) {
  try {
    await run('cp', ['-al', from, to])
  } catch {
    rmSync(to, { recursive: true, force: true })
    cpSync(from, to, { recursive: true, verbatimSymlinks: true })
  }
}
