// The real-decision check `npm run build:targets` runs on every cross-built binary
// (scripts/decision-check.cjs, through scripts/check-binaries.js), run here on the host's own
// builds: the script and the binding it drives cannot drift apart without `npm test` failing.

import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const script = fileURLToPath(new URL('../../scripts/decision-check.cjs', import.meta.url))
const wasmLoader = fileURLToPath(new URL('../../ssr-hmr.wasip1.cjs', import.meta.url))

function decisionThrough(loader) {
  const output = execFileSync(process.execPath, ['--no-warnings', script, loader], { cwd: repo, encoding: 'utf8' })
  return JSON.parse(output.trim().split('\n').at(-1))
}

describe('scripts/decision-check.cjs', () => {
  test('the host binary (binding.cjs, as the package loads it) makes the one right decision', () => {
    const got = decisionThrough('binding.cjs')
    expect(got.target).toBe('native')
    expect(got.problems).toEqual([])
    expect(got.decision.tabs).toEqual([got.tabs.home])
  })

  test.skipIf(!existsSync(wasmLoader))('the WebAssembly build (npm run build:wasm) makes the same decision', () => {
    const got = decisionThrough(wasmLoader)
    expect(got.target).toMatch(/^wasm32/)
    expect(got.problems).toEqual([])
  })
})
