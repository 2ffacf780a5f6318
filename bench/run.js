#!/usr/bin/env node
// `npm run bench`: runs every section in one process, on one machine, and writes the
// Markdown report (bench/RESULTS.md by default).
//
//   node bench/run.js [--quick] [--out <file>] [--only core,hooks,browser,server,wasm,frameworks]
//
// --quick is the CI smoke mode: few samples, under a minute; it checks that every figure is
// produced (exit 1 otherwise) and never asserts a timing target.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCoreSection } from './core.js'
import { runViteHooksSection } from './vite-hooks.js'
import { runBrowserSection } from './browser.js'
import { runServerWorkSection } from './server-work.js'
import { runWasmSection } from './wasm.js'
import { runFrameworksSection } from './frameworks.js'
import { missingFigures, renderReport } from './report.js'

const require = createRequire(import.meta.url)
const DEFAULT_OUT = fileURLToPath(new URL('./RESULTS.md', import.meta.url))

const SECTIONS = {
  core: ['core', runCoreSection],
  hooks: ['hooks', runViteHooksSection],
  server: ['serverWork', runServerWorkSection],
  browser: ['browser', runBrowserSection],
  wasm: ['wasm', runWasmSection],
  frameworks: ['frameworks', runFrameworksSection],
}

function parseArgs(argv) {
  const args = { quick: false, out: DEFAULT_OUT, only: Object.keys(SECTIONS) }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--quick') args.quick = true
    else if (arg === '--out') args.out = path.resolve(argv[++i] ?? '')
    else if (arg === '--only') args.only = (argv[++i] ?? '').split(',').filter(Boolean)
    else
      throw new Error(
        `unknown argument ${arg}; usage: node bench/run.js [--quick] [--out <file>] [--only ${Object.keys(SECTIONS).join(',')}]`,
      )
  }
  for (const name of args.only) if (!SECTIONS[name]) throw new Error(`unknown section ${name}`)
  return args
}

function versionOf(pkg) {
  return JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version
}

function machine(quick) {
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    quick,
    cpu: os.cpus()[0]?.model?.trim() ?? 'unknown CPU',
    cores: os.availableParallelism?.() ?? os.cpus().length,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    vite: versionOf('vite'),
    playwright: versionOf('playwright-core'),
  }
}

const startedAt = Date.now()
const log = (message) => process.stderr.write(`[bench +${((Date.now() - startedAt) / 1000).toFixed(0)} s] ${message}\n`)

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const started = Date.now()
  const results = { meta: machine(args.quick) }
  const failures = []
  for (const name of args.only) {
    const [key, run] = SECTIONS[name]
    try {
      results[key] = await run({ quick: args.quick, log })
    } catch (error) {
      failures.push(name)
      log(`section ${name} failed: ${error?.stack ?? error}`)
    }
  }
  results.meta.minutes = Math.max(1, Math.round((Date.now() - started) / 60_000))
  mkdirSync(path.dirname(args.out), { recursive: true })
  writeFileSync(args.out, renderReport(results))
  log(`wrote ${args.out} in ${((Date.now() - started) / 1000).toFixed(0)} s`)
  const missing = args.only.length === Object.keys(SECTIONS).length ? missingFigures(results) : []
  if (failures.length || missing.length) {
    log(`failed sections: ${failures.join(', ') || 'none'}; missing figures: ${missing.join(', ') || 'none'}`)
    process.exitCode = 1
  }
}

await main()
