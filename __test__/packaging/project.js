// What the packaging tests share: packing this package and its platform packages as a release
// does, and installing the tarballs into a fresh project outside the repository.

import { execFileSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const repo = fileURLToPath(new URL('../../', import.meta.url))
export const rootManifest = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8'))
const viteVersion = JSON.parse(readFileSync(path.join(repo, 'node_modules/vite/package.json'), 'utf8')).version

export function npm(args, cwd) {
  // On Windows npm is npm.cmd, which only a shell runs.
  const windows = process.platform === 'win32'
  return execFileSync(windows ? 'npm.cmd' : 'npm', args, {
    cwd,
    encoding: 'utf8',
    shell: windows,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_loglevel: 'error' },
  })
}

/** `npm pack` of a package folder; returns the tarball's path. */
export function pack(directory, destination) {
  const [{ filename }] = JSON.parse(npm(['pack', '--json', '--pack-destination', destination], directory))
  return path.join(destination, filename)
}

/**
 * A platform package as a release publishes it: its folder under npm/ with the built files
 * its manifest lists (what `napi artifacts` copies in), staged under `work`.
 * @param {string} dir e.g. 'linux-x64-gnu' or 'wasm32-wasip1'
 */
export function stagePlatformPackage(dir, work) {
  const staged = path.join(work, dir)
  cpSync(path.join(repo, 'npm', dir), staged, { recursive: true })
  const { files } = JSON.parse(readFileSync(path.join(staged, 'package.json'), 'utf8'))
  for (const file of files) {
    if (existsSync(path.join(staged, file))) continue
    const built = path.join(repo, file)
    if (!existsSync(built))
      throw new Error(
        `${file} is not built: run ${dir.startsWith('wasm32') ? 'npm run build:wasm' : 'npm run build'} first`,
      )
    copyFileSync(built, path.join(staged, file))
  }
  return staged
}

/** A fresh project holding these tarballs and the repository's Vite version. */
export function installProject(app, tarballs) {
  writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({ name: 'packaging-app', private: true, type: 'module' }),
  )
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs, `vite@${viteVersion}`], app)
}

/** The names of this package's platform packages installed in a project. */
export function installedPlatformPackages(app) {
  return readdirSync(path.join(app, 'node_modules'))
    .filter((name) => name.startsWith(`${rootManifest.name}-`))
    .sort()
}
