// Loads the Rust core through the loader that `napi build --platform` generates (binding.cjs).
// That loader tries the native binary for this host (a file next to it in a development
// checkout, then the platform package), and when none loads, the WebAssembly build (the
// `-wasm32-wasip1` package, which runs on any host). Its own failure is a bare "Cannot find
// native binding" with the causes chained behind it; users get one error that names their
// platform, each package that was tried and why it did not load, and the fix.

import { createRequire } from 'node:module'
import { debug } from './logger.js'

const require = createRequire(import.meta.url)
// The package's name, read here: options.js reads the contract, which is loaded from here.
const { name: PLUGIN_NAME, optionalDependencies = {} } = require('../package.json')
const WASM_PACKAGE = `${PLUGIN_NAME}-wasm32-wasip1`

/** @returns {typeof import('../binding.d.cts')} */
export function loadNativeBinding() {
  let binding
  try {
    binding = require('../binding.cjs')
  } catch (cause) {
    throw new Error(bindingErrorMessage(cause), { cause })
  }
  debug(
    `core: ${binding.__napiBindingTarget === 'native' || !binding.__napiBindingTarget ? 'native binary' : `WebAssembly (${binding.__napiBindingTarget})`}`,
  )
  return binding
}

function detectLibc() {
  if (process.platform !== 'linux') return null
  const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null
  return report?.header?.glibcVersionRuntime ? 'gnu' : 'musl'
}

/** The platform package the loader asks for on this host, as napi-rs names them. */
function nativePackageName(libc) {
  const { platform, arch } = process
  const suffix =
    platform === 'win32' ? `win32-${arch}-msvc` : platform === 'linux' ? `linux-${arch}-${libc}` : `${platform}-${arch}`
  return `${PLUGIN_NAME}-${suffix}`
}

/** The loader's error and every cause chained behind it, outermost first. */
function causesOf(error) {
  const causes = []
  for (let current = error; current && causes.length < 32; current = current.cause) causes.push(current)
  return causes
}

const firstLine = (text) => String(text ?? '').split('\n')[0]

/** Why `packageName` did not load, from the causes that concern it. */
function whyNot(packageName, causes) {
  const concerning = causes.filter(
    (cause) =>
      String(cause?.message ?? cause).includes(packageName) || String(cause?.stack ?? '').includes(`/${packageName}/`),
  )
  if (concerning.length === 0) return 'not tried'
  const failure = concerning.find((cause) => firstLine(cause.message) !== `Cannot find module '${packageName}'`)
  return failure ? firstLine(failure.message) : 'not installed'
}

function bindingErrorMessage(error) {
  const libc = detectLibc()
  const nativePackage = nativePackageName(libc)
  const published = Object.hasOwn(optionalDependencies, nativePackage)
  const causes = causesOf(error).slice(1)
  if (causes.length === 0) causes.push(error)
  const attributed = new Set()
  const tried = [
    published
      ? `    ${nativePackage} (native binary for this platform): ${whyNot(nativePackage, causes)}`
      : `    ${nativePackage}: not published, there is no native binary for ${process.platform} ${process.arch}${libc ? ` ${libc}` : ''}`,
    `    ${WASM_PACKAGE} (WebAssembly, any platform): ${whyNot(WASM_PACKAGE, causes)}`,
  ]
  for (const cause of causes) {
    const text = String(cause?.message ?? cause) + String(cause?.stack ?? '')
    if (text.includes(nativePackage) || text.includes(WASM_PACKAGE)) attributed.add(cause)
  }
  // Anything else the loader reported, but for the files a development checkout builds next to
  // it (`./ssr-hmr.*`): their absence is the normal case once installed.
  const others = causes
    .filter((cause) => !attributed.has(cause) && !firstLine(cause?.message).startsWith("Cannot find module './"))
    .map((cause) => `    ${firstLine(cause?.message ?? cause)}`)
  return [
    `[${PLUGIN_NAME}] could not load its core: neither a native binary nor the WebAssembly fallback.`,
    `  platform: ${process.platform}, arch: ${process.arch}${libc ? `, libc: ${libc}` : ''}, node: ${process.version}`,
    '  tried:',
    ...tried,
    ...(others.length ? ['  also reported by the loader:', ...others] : []),
    'How to fix:',
    '  - reinstall with optional dependencies (not --omit=optional): remove node_modules and the lockfile, then `npm install`',
    `    (npm/cli#4828 can drop the platform package from a lockfile made on another OS);`,
    published
      ? `  - or add one explicitly: \`npm install -D ${nativePackage}\`, or on any platform \`npm install -D ${WASM_PACKAGE}\`;`
      : `  - or add the WebAssembly build explicitly: \`npm install -D ${WASM_PACKAGE}\`;`,
    '  - working on this plugin itself: run `npm run build` (native) or `npm run build:wasm` (WebAssembly).',
  ].join('\n')
}
