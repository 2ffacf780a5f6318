// The browser runtime is a dev-server tool: `vite build` output (client and SSR) must not
// contain any of it, nor idiomorph. And the payload types reach `import.meta.hot.on`.

import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, expect, test } from 'vitest'
import { build } from 'vite'
import { ssrHmr } from 'vite-plugin-ssr-hmr'

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url))
const outDirs = []
afterAll(() => {
  for (const dir of outDirs) rmSync(dir, { recursive: true, force: true })
})

/** Strings only the runtime (or idiomorph) contains; the app's own markup may use the rest. */
const RUNTIME_MARKERS = ['ssr-hmr:page', '@ssr-hmr-config', 'virtual:ssr-hmr', 'Idiomorph', 'idiomorph']

async function buildFixture(options) {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'ssr-hmr-build-'))
  outDirs.push(outDir)
  await build({
    root: path.join(fixtures, 'browser-app'),
    configFile: false,
    logLevel: 'silent',
    plugins: [ssrHmr({ refresh: 'morph' })],
    build: { outDir, emptyOutDir: true, minify: false, ...options },
  })
  return readdirSync(outDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(path.join(entry.parentPath, entry.name), 'utf8'))
    .join('\n')
}

test('the client build has no runtime and no idiomorph', async () => {
  const output = await buildFixture({ rollupOptions: { input: 'src/entry-client.js' } })
  expect(output).toContain('mounted by the client')
  for (const marker of RUNTIME_MARKERS) expect(output).not.toContain(marker)
})

test('the SSR build has none either', async () => {
  const output = await buildFixture({ ssr: 'src/entry-server.js' })
  expect(output).toContain('export')
  for (const marker of RUNTIME_MARKERS) expect(output).not.toContain(marker)
})

test("the ssr-hmr:update payload is typed for import.meta.hot.on with Vite's client types", async () => {
  const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url))
  // usage.ts reads typed fields and has @ts-expect-error lines that fail if the payload were `any`.
  const result = await promisify(execFile)(process.execPath, [tsc, '-p', path.join(fixtures, 'browser-types')]).catch(
    (error) => error,
  )
  expect(`${result.stdout}${result.stderr ?? ''}`).toBe('')
  expect(result.code ?? 0).toBe(0)
})
