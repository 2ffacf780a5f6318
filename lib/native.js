// Loads the napi-rs addon through the loader that `napi build --platform` generates
// (binding.cjs). That loader's own failure is a bare "Cannot find native binding"; users get
// one error that names their platform, the package that should have been installed and the fix.

import { createRequire } from 'node:module'
import { PLUGIN_NAME } from './options.js'

const require = createRequire(import.meta.url)

/** @returns {typeof import('../binding.d.cts')} */
export function loadNativeBinding() {
  try {
    return require('../binding.cjs')
  } catch (cause) {
    throw new Error(nativeBindingErrorMessage(cause), { cause })
  }
}

function detectLibc() {
  if (process.platform !== 'linux') return null
  const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null
  return report?.header?.glibcVersionRuntime ? 'gnu' : 'musl'
}

function expectedPlatformPackage() {
  const libc = detectLibc()
  const arch = process.arch
  const suffix =
    process.platform === 'win32'
      ? `win32-${arch}-msvc`
      : process.platform === 'linux'
        ? `linux-${arch}-${libc}`
        : `${process.platform}-${arch}`
  return `${PLUGIN_NAME}-${suffix}`
}

function nativeBindingErrorMessage(cause) {
  const libc = detectLibc()
  const expected = expectedPlatformPackage()
  return [
    `[${PLUGIN_NAME}] could not load its native core.`,
    `  platform: ${process.platform}, arch: ${process.arch}${libc ? `, libc: ${libc}` : ''}, node: ${process.version}`,
    `  expected package: ${expected} (an optional dependency of ${PLUGIN_NAME})`,
    `  cause: ${cause?.message?.split('\n')[0] ?? cause}`,
    'How to fix:',
    `  - reinstall without skipping optional dependencies: remove node_modules and the lockfile, then \`npm install\``,
    `    (npm/cli#4828 can drop the platform package from a lockfile made on another OS);`,
    `  - or add it explicitly: \`npm install -D ${expected}\`;`,
    `  - working on this plugin itself: run \`npm run build\` to compile the addon.`,
  ].join('\n')
}
