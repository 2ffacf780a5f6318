// The suite against a package as users install it (`vitest.installed.config.js`): before any
// test file, the root package and ONE platform package are packed and installed into a fresh
// project outside the repository, and the config points `vite-plugin-ssr-hmr` at that
// installed copy. `SSR_HMR_PACKAGE` names the platform package (a folder under npm/); the
// default, `wasm32-wasip1`, is the WebAssembly build on a host with no native package, so the
// loader falls back to it by itself (nothing forces it). The release workflow runs the suite
// this way on each platform with the binary its build job made.

import { createHash } from 'node:crypto'
import { mkdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = fileURLToPath(new URL('../../', import.meta.url))
export const PLATFORM_PACKAGE = process.env.SSR_HMR_PACKAGE || 'wasm32-wasip1'
const project = path.join(
  os.tmpdir(),
  `ssr-hmr-installed-${PLATFORM_PACKAGE}-${createHash('sha1').update(repo).digest('hex').slice(0, 8)}`,
)

/** The installed plugin's entry, for the config's alias. */
export const INSTALLED_ENTRY = path.join(project, 'node_modules/vite-plugin-ssr-hmr/index.js')

/** vitest globalSetup: installs the project, removes it after the run. */
export default async function setup() {
  const { installedPlatformPackages, installProject, pack, rootManifest, stagePlatformPackage } =
    await import('../packaging/project.js')
  rmSync(project, { recursive: true, force: true })
  const work = path.join(project, '.tarballs')
  mkdirSync(work, { recursive: true })
  const tarballs = [pack(repo, work), pack(stagePlatformPackage(PLATFORM_PACKAGE, work), work)]
  installProject(project, tarballs)
  const installed = installedPlatformPackages(project)
  if (installed.join() !== `${rootManifest.name}-${PLATFORM_PACKAGE}`)
    throw new Error(`the installed project holds ${installed.join(', ') || 'no platform package'}`)
  return () => rmSync(project, { recursive: true, force: true })
}
