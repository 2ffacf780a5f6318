// The benchmark's smoke mode: every section runs with few samples and every figure is
// produced. It never asserts a timing target (the machine is shared, CI is noisy).

import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, expect, test } from 'vitest'

const repo = fileURLToPath(new URL('..', import.meta.url))
const dir = mkdtempSync(path.join(os.tmpdir(), 'ssr-hmr-bench-smoke-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

test('npm run bench -- --quick produces every figure', () => {
  const out = path.join(dir, 'RESULTS.md')
  const run = spawnSync(process.execPath, ['bench/run.js', '--quick', '--out', out], {
    cwd: repo,
    encoding: 'utf8',
    timeout: 330_000,
  })
  expect(run.status, run.stderr.slice(-4000)).toBe(0)
  const report = readFileSync(out, 'utf8')
  for (const heading of [
    '## 1. Core',
    '## 2. Inside real Vite',
    '## 3. What a user sees',
    '## 4. Server work',
    '## 5. WebAssembly build',
    '## 6. Framework apps',
  ])
    expect(report).toContain(heading)
  expect(report).not.toContain('not run')
  expect(report).not.toMatch(/\| n\/a \|/)
}, 340_000)
