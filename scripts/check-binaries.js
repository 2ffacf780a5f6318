#!/usr/bin/env node
// Checks each cross-built binary as far as this machine can: `node scripts/check-binaries.js
// <artifacts dir> [targets…]` (run by `npm run build:targets`). Exits non-zero when any check
// fails, prints one line per check, and writes the results to <artifacts dir>/checks.json.
//
//   linux arm64 gnu   ELF for AArch64, needs only glibc; loaded by an arm64 Node under QEMU and
//                     used for a real decision (scripts/decision-check.cjs)
//   linux musl        ELF, needs only musl's libc.so; musl's dynamic loader resolves every symbol
//                     but the `napi_*` ones Node provides
//   darwin            Mach-O of the right arch, `_napi_register_module_v1` exported, the deployment
//                     target, system libraries only; arm64 carries an ad-hoc code signature
//   wasm32-wasip1     the exports the WASI loader needs, no thread imports; loaded by Node's WASI
//                     and used for the same real decision

import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = fileURLToPath(new URL('..', import.meta.url))
const [artifacts = path.join(repo, 'target/cross/artifacts'), ...requested] = process.argv.slice(2)
const TOOLS = path.join(repo, '.tmp/toolchain')
const ARM64_NODE = path.join(TOOLS, 'node-arm64/bin/node')

const TARGETS = {
  'aarch64-unknown-linux-gnu': { file: 'ssr-hmr.linux-arm64-gnu.node', check: checkLinuxGnuArm64 },
  'x86_64-unknown-linux-musl': { file: 'ssr-hmr.linux-x64-musl.node', check: (f, r) => checkMusl(f, 'x86_64', r) },
  'aarch64-unknown-linux-musl': { file: 'ssr-hmr.linux-arm64-musl.node', check: (f, r) => checkMusl(f, 'aarch64', r) },
  'x86_64-apple-darwin': { file: 'ssr-hmr.darwin-x64.node', check: (f, r) => checkMachO(f, 'x86_64', r) },
  'aarch64-apple-darwin': { file: 'ssr-hmr.darwin-arm64.node', check: (f, r) => checkMachO(f, 'arm64', r) },
  'wasm32-wasip1': { file: 'ssr-hmr.wasm32-wasip1.wasm', check: checkWasm },
}

const run = (command, args, options = {}) =>
  execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, ...options })
/** Like `run`, but a non-zero exit is an answer (musl's `--list` exits 127 on missing symbols). */
function runAll(command, args) {
  try {
    return run(command, args)
  } catch (error) {
    if (typeof error.stdout !== 'string') throw error
    return error.stdout + error.stderr
  }
}

let failed = 0

function record(result, name, ok, detail) {
  result.checks.push({ name, ok, detail })
  if (!ok) failed++
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`)
}

// ---- the same real decision on every binary that can run here ----

/** What scripts/decision-check.cjs must print for every binary. */
function checkDecision(result, output) {
  const got = JSON.parse(output.trim().split('\n').at(-1))
  const detail = got.problems.length
    ? got.problems.join('; ')
    : `server-only edit of /'s data module: ${got.decision.action} tabs ${JSON.stringify(got.decision.tabs)} of ${JSON.stringify(got.tabs)}, pages ${JSON.stringify(got.decision.pages)}`
  record(result, `real decision (${got.target} on ${got.arch})`, got.problems.length === 0, detail)
}

// ---- ELF ----

function elfFacts(file) {
  const header = run('readelf', ['-h', file])
  const dynamic = run('readelf', ['-d', file])
  return {
    machine: /Machine:\s+(.+)/.exec(header)?.[1].trim(),
    type: /Type:\s+(\S+)/.exec(header)?.[1],
    needed: [...dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[(.+?)\]/g)].map((m) => m[1]),
  }
}

function checkLinuxGnuArm64(file, result) {
  const elf = elfFacts(file)
  record(
    result,
    'ELF shared object for AArch64',
    elf.machine === 'AArch64' && elf.type === 'DYN',
    `${elf.type}, ${elf.machine}`,
  )
  const glibcOnly = elf.needed.every((lib) =>
    /^(libc|libm|libdl|libpthread|librt|libgcc_s)\.so\.\d+$|^ld-linux-aarch64\.so\.1$/.test(lib),
  )
  record(result, 'needs only glibc', glibcOnly, elf.needed.join(', '))
  const versions = [...new Set(run('readelf', ['-V', file]).match(/GLIBC_[0-9.]+/g) ?? [])].sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true }),
  )
  result.glibc = versions.at(-1)
  // Node 20 itself needs glibc 2.28 on arm64.
  const newest = versions.at(-1)?.slice(6).split('.').map(Number) ?? [0]
  record(
    result,
    'glibc symbol versions ≤ 2.28',
    newest[0] === 2 && (newest[1] ?? 0) <= 28,
    `newest required: ${versions.at(-1)}`,
  )
  const qemu = '/usr/bin/qemu-aarch64-static'
  if (!existsSync(qemu) || !existsSync(ARM64_NODE))
    return record(
      result,
      'runs under QEMU',
      false,
      'qemu-user-static or the arm64 Node is missing (scripts/toolchain.sh cross)',
    )
  const version = run(qemu, [ARM64_NODE, '-p', 'process.arch + " " + process.version']).trim()
  record(result, 'arm64 Node under QEMU', version.startsWith('arm64 '), version)
  checkDecision(result, run(qemu, [ARM64_NODE, path.join(repo, 'scripts/decision-check.cjs'), file]))
}

function checkMusl(file, arch, result) {
  const elf = elfFacts(file)
  const machine = arch === 'x86_64' ? 'Advanced Micro Devices X86-64' : 'AArch64'
  record(
    result,
    `ELF shared object for ${arch}`,
    elf.machine === machine && elf.type === 'DYN',
    `${elf.type}, ${elf.machine}`,
  )
  record(
    result,
    "needs only musl's libc.so",
    elf.needed.length === 1 && elf.needed[0] === 'libc.so',
    elf.needed.join(', ') || 'nothing',
  )
  // musl's dynamic loader, asked to list a library's dependencies, relocates it and reports every
  // symbol it cannot resolve; Node provides the `napi_*` ones when it loads the addon.
  const loader = `/lib/ld-musl-${arch}.so.1`
  if (!existsSync(loader))
    return record(
      result,
      'symbols resolve against musl',
      false,
      `${loader} is missing (apt-get install musl${arch === 'x86_64' ? '' : ':arm64'})`,
    )
  const output =
    arch === 'x86_64'
      ? runAll(loader, ['--list', file])
      : runAll('/usr/bin/qemu-aarch64-static', [loader, '--list', file])
  const unresolved = [...output.matchAll(/Error relocating [^:]+: ([^:]+): symbol not found/g)].map((m) => m[1])
  const other = unresolved.filter((symbol) => !symbol.startsWith('napi_'))
  const otherErrors = output.split('\n').filter((line) => /error/i.test(line) && !/symbol not found/.test(line))
  result.unresolvedNapi = unresolved.length - other.length
  record(
    result,
    'symbols resolve against musl but napi_*',
    other.length === 0 && otherErrors.length === 0 && unresolved.length > 0,
    other.length || otherErrors.length
      ? `unresolved: ${[...other, ...otherErrors].slice(0, 8).join(', ')}`
      : `${unresolved.length} unresolved, all napi_* (Node provides them)`,
  )
}

// ---- Mach-O ----

const CPU = { x86_64: 0x01000007, arm64: 0x0100000c }
const LC = { LOAD_DYLIB: 0xc, CODE_SIGNATURE: 0x1d, VERSION_MIN_MACOSX: 0x24, BUILD_VERSION: 0x32 }
const version = (v) => `${v >>> 16}.${(v >>> 8) & 0xff}${v & 0xff ? `.${v & 0xff}` : ''}`

function machOFacts(bytes) {
  const facts = {
    magic: bytes.readUInt32LE(0),
    cputype: bytes.readInt32LE(4),
    filetype: bytes.readUInt32LE(12),
    dylibs: [],
  }
  if (facts.magic !== 0xfeedfacf) return facts
  const ncmds = bytes.readUInt32LE(16)
  let at = 32
  for (let i = 0; i < ncmds; i++) {
    const cmd = bytes.readUInt32LE(at)
    const size = bytes.readUInt32LE(at + 4)
    if (cmd === LC.BUILD_VERSION) facts.minos = version(bytes.readUInt32LE(at + 12))
    if (cmd === LC.VERSION_MIN_MACOSX) facts.minos = version(bytes.readUInt32LE(at + 8))
    if (cmd === LC.LOAD_DYLIB) {
      const name = bytes.subarray(at + bytes.readUInt32LE(at + 8), at + size)
      facts.dylibs.push(name.subarray(0, name.indexOf(0)).toString())
    }
    if (cmd === LC.CODE_SIGNATURE) facts.signature = codeSignature(bytes, bytes.readUInt32LE(at + 8))
    at += size
  }
  return facts
}

/** The code directory of an embedded signature (a big-endian SuperBlob). */
function codeSignature(bytes, offset) {
  if (bytes.readUInt32BE(offset) !== 0xfade0cc0) return { valid: false }
  const count = bytes.readUInt32BE(offset + 8)
  for (let i = 0; i < count; i++) {
    const blob = offset + bytes.readUInt32BE(offset + 12 + i * 8 + 4)
    if (bytes.readUInt32BE(blob) === 0xfade0c02) {
      const flags = bytes.readUInt32BE(blob + 12)
      const identOffset = bytes.readUInt32BE(blob + 20)
      const ident = bytes.subarray(blob + identOffset, blob + identOffset + 256)
      return {
        valid: true,
        adhoc: (flags & 0x2) !== 0,
        linkerSigned: (flags & 0x20000) !== 0,
        identifier: ident.subarray(0, ident.indexOf(0)).toString(),
      }
    }
  }
  return { valid: false }
}

function checkMachO(file, arch, result) {
  const facts = machOFacts(readFileSync(file))
  record(
    result,
    `Mach-O 64-bit for ${arch}`,
    facts.magic === 0xfeedfacf && facts.cputype === CPU[arch],
    `magic 0x${facts.magic.toString(16)}, cputype 0x${(facts.cputype >>> 0).toString(16)}, filetype ${facts.filetype}`,
  )
  const expectedMin = arch === 'arm64' ? '11.0' : '10.13'
  result.minos = facts.minos
  record(
    result,
    `deployment target macOS ${expectedMin}`,
    facts.minos === expectedMin,
    `minos ${facts.minos ?? 'missing'}`,
  )
  // Rust's std links libSystem and libiconv (with libcharset), which every macOS has in /usr/lib.
  record(
    result,
    'links only macOS system libraries',
    facts.dylibs.some((lib) => lib.startsWith('/usr/lib/libSystem')) &&
      facts.dylibs.every((lib) => /^\/usr\/lib\/lib(System\.B|iconv\.2|charset\.1)\.dylib$/.test(lib)),
    facts.dylibs.join(', '),
  )
  const nm = existsSync('/usr/bin/llvm-nm-14') ? '/usr/bin/llvm-nm-14' : 'llvm-nm'
  const exported = run(nm, ['--extern-only', '--defined-only', file])
    .split('\n')
    .map((line) => line.trim().split(/\s+/).at(-1))
  record(
    result,
    'exports _napi_register_module_v1',
    exported.includes('_napi_register_module_v1'),
    `${exported.filter(Boolean).length} exported symbols`,
  )
  const undefinedSymbols = run(nm, ['--undefined-only', file])
    .split('\n')
    .map((line) => line.trim().split(/\s+/).at(-1))
    .filter(Boolean)
  result.undefinedNapi = undefinedSymbols.filter((symbol) => symbol.startsWith('_napi_')).length
  record(
    result,
    'napi_* left for Node to provide',
    result.undefinedNapi > 0,
    `${result.undefinedNapi} _napi_* undefined, ${undefinedSymbols.length - result.undefinedNapi} from libSystem`,
  )
  if (arch === 'arm64') {
    const signature = facts.signature ?? { valid: false }
    record(
      result,
      'ad-hoc code signature (arm64 macOS runs no unsigned code)',
      signature.valid && signature.adhoc,
      signature.valid
        ? `CodeDirectory: adhoc ${signature.adhoc}, linker-signed ${signature.linkerSigned}, identifier ${signature.identifier}`
        : 'no valid LC_CODE_SIGNATURE',
    )
  }
}

// ---- WebAssembly ----

function wasmFacts(bytes) {
  let at = 8
  const leb = () => {
    let value = 0
    let shift = 0
    for (;;) {
      const byte = bytes[at++]
      value |= (byte & 0x7f) << shift
      if (!(byte & 0x80)) return value >>> 0
      shift += 7
    }
  }
  const name = () => {
    const length = leb()
    at += length
    return bytes.subarray(at - length, at).toString()
  }
  const facts = { imports: [], exports: [], sharedMemory: false }
  while (at < bytes.length) {
    const id = bytes[at++]
    const size = leb()
    const end = at + size
    if (id === 2) {
      for (let count = leb(); count > 0; count--) {
        const module = name()
        const field = name()
        const kind = bytes[at++]
        facts.imports.push(`${module}.${field}`)
        if (kind === 0) leb()
        else if (kind === 2) {
          const flags = bytes[at++]
          if (flags & 2) facts.sharedMemory = true
          leb()
          if (flags & 1) leb()
        } else break
      }
    }
    if (id === 7) for (let count = leb(); count > 0; count--, at++, leb()) facts.exports.push(name())
    at = end
  }
  return facts
}

function checkWasm(file, result) {
  const bytes = readFileSync(file)
  record(result, 'WebAssembly module', bytes.readUInt32LE(0) === 0x6d736100, `version ${bytes.readUInt32LE(4)}`)
  const facts = wasmFacts(bytes)
  const needed = ['napi_register_wasm_v1', 'emnapi_create_env', 'malloc', 'free', '_initialize']
  const missing = needed.filter((name) => !facts.exports.includes(name))
  record(
    result,
    'exports what the WASI loader calls',
    missing.length === 0,
    missing.length ? `missing ${missing.join(', ')}` : needed.join(', '),
  )
  const modules = [...new Set(facts.imports.map((entry) => entry.split('.')[0]))]
  const threads = facts.imports.filter((entry) => entry.startsWith('wasi.thread') || entry.includes('thread-spawn'))
  record(
    result,
    'single-threaded (no thread imports, memory not shared)',
    threads.length === 0 && !facts.sharedMemory && facts.imports.includes('env.memory'),
    `imports from ${modules.join(', ')}; memory imported from env, ${facts.sharedMemory ? 'shared' : 'not shared'}`,
  )
  const loader = path.join(repo, 'ssr-hmr.wasip1.cjs')
  if (!existsSync(loader)) return record(result, 'loads in Node', false, `${loader} is missing (npm run build:wasm)`)
  checkDecision(result, run(process.execPath, ['--no-warnings', path.join(repo, 'scripts/decision-check.cjs'), loader]))
}

// Last, once every helper above is defined.
main()

function main() {
  const results = []
  for (const target of requested.length ? requested : Object.keys(TARGETS)) {
    const spec = TARGETS[target]
    if (!spec) throw new Error(`no check for ${target}`)
    const file = path.join(artifacts, spec.file)
    const result = { target, file: spec.file, checks: [] }
    results.push(result)
    console.log(`\n${target}`)
    if (!existsSync(file)) {
      record(result, 'built', false, `${file} is missing`)
      continue
    }
    result.bytes = statSync(file).size
    record(result, 'built', true, `${spec.file}, ${(result.bytes / 1024).toFixed(0)} KB`)
    try {
      spec.check(file, result)
    } catch (error) {
      record(result, 'checks ran', false, error.message.split('\n')[0])
    }
  }
  writeFileSync(path.join(artifacts, 'checks.json'), JSON.stringify(results, null, 2) + '\n')
  console.log(failed ? `\n${failed} check(s) failed` : '\nevery check passed')
  process.exit(failed ? 1 : 0)
}
