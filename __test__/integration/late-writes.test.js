// The late-write check on the real file system: a write chokidar's throttle dropped is reported
// to the watcher once the throttle is over, also when the file system gave it the same
// modification time as the write before; a file that did not change is not reported.

import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { LateWrites } from '../../lib/late-writes.js'

/** Past the check's recheck delay (chokidar's 50 ms throttle plus its margin). */
const AFTER_RECHECK_MS = 200

describe('LateWrites', () => {
  let dir
  let file
  let emitted
  let check

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ssr-hmr-late-writes-'))
    file = path.join(dir, 'team.js')
    writeFileSync(file, "export const team = 'v1'\n")
    emitted = []
    check = new LateWrites({ emit: (event, changed) => emitted.push([event, changed]) })
  })

  afterEach(() => {
    check.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  test('a file left as it was reported is not reported again', async () => {
    check.noteReported(file)
    expect(check.pending).toBe(true)
    await sleep(AFTER_RECHECK_MS)
    expect(emitted).toEqual([])
    expect(check.pending).toBe(false)
  })

  test('a later write is reported, and is pending until its hooks run', async () => {
    check.noteReported(file)
    writeFileSync(file, "export const team = 'v2'\n")
    await sleep(AFTER_RECHECK_MS)
    expect(emitted).toEqual([['change', file]])
    expect(check.pending).toBe(true)
    check.noteReported(file)
    await sleep(AFTER_RECHECK_MS)
    expect(check.pending).toBe(false)
  })

  test('a later write with the same modification time (a coarse file system) is still reported', async () => {
    // Whole seconds, as a file system with 1 s timestamps keeps them.
    const second = Math.floor(Date.now() / 1000)
    utimesSync(file, second, second)
    check.noteReported(file)
    writeFileSync(file, "export const team = 'the second write'\n")
    utimesSync(file, second, second)
    expect(statSync(file).mtimeMs).toBe(second * 1000)
    await sleep(AFTER_RECHECK_MS)
    expect(emitted).toEqual([['change', file]])
  })
})
