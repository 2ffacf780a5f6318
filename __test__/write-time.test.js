// The write time the shim gives the core: a file's modification time, moved onto the
// `performance.now()` clock the core is given, and nothing when the file system cannot tell.

import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { afterAll, expect, test } from 'vitest'
import { writtenAt } from '../lib/write-time.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'ssr-hmr-write-time-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function fileWrittenAt(name, epochMs) {
  const file = path.join(dir, name)
  writeFileSync(file, 'export {}\n')
  if (epochMs !== undefined) utimesSync(file, new Date(epochMs), new Date(epochMs))
  return file
}

test("a file's modification time, on the performance clock", () => {
  // The two clocks read together; a write time 1.5–2.5 s before, never on a whole second.
  const [wall, perf] = [Date.now(), performance.now()]
  const written = Math.floor((wall - 600) / 1000) * 1000 - 877
  const file = fileWrittenAt('recent.js', written)
  expect(Math.abs(writtenAt(file) - (perf - (wall - written)))).toBeLessThan(5)
})

test('whole-second times say too little, and a missing file says nothing', () => {
  const wholeSecond = Math.floor(Date.now() / 1000) * 1000 - 1000
  expect(writtenAt(fileWrittenAt('coarse.js', wholeSecond))).toBeUndefined()
  expect(writtenAt(path.join(dir, 'missing.js'))).toBeUndefined()
})
