// The late-write check on the real file system, with the real core: a write chokidar's
// throttle dropped is reported to the watcher once the throttle is over, also when the file
// system gave it the same modification time as the write before; a file that did not change
// is not reported. When a file is read again is the core's rule (`late_writes.rs`, its cargo
// tests); reading it and reporting it are the shim's (`lib/late-writes.js`), tested here.

import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { LateWrites } from '../../lib/late-writes.js'
import { loadNativeBinding } from '../../lib/native.js'

/** Past the core's recheck delay (chokidar's 50 ms throttle plus its margin). */
const AFTER_RECHECK_MS = 200

describe('LateWrites', () => {
  let dir
  let file
  let emitted
  let core
  let check

  /** What the session's one timer does when it fires: the core's due rechecks, carried out. */
  const poll = () => {
    const effects = JSON.parse(core.poll(performance.now(), Date.now()) ?? '{}')
    check.recheck(effects.recheckWrites ?? [])
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ssr-hmr-late-writes-'))
    file = path.join(dir, 'team.js')
    writeFileSync(file, "export const team = 'v1'\n")
    emitted = []
    const binding = loadNativeBinding()
    core = new binding.SsrHmrCore({ root: dir, quietMs: 30, maxWaitMs: 300, refresh: 'auto' })
    const session = { guard: (_label, call) => call(core) }
    check = new LateWrites(session, { emit: (event, changed) => emitted.push([event, changed]) })
  })

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  test('a file left as it was reported is not reported again', async () => {
    check.noteReported(file)
    expect(check.pending).toBe(true)
    expect(core.nextDeadline()).toBeGreaterThan(performance.now())
    await sleep(AFTER_RECHECK_MS)
    poll()
    expect(emitted).toEqual([])
    expect(check.pending).toBe(false)
  })

  test('a later write is reported, and is pending until its hooks run', async () => {
    check.noteReported(file)
    writeFileSync(file, "export const team = 'v2'\n")
    await sleep(AFTER_RECHECK_MS)
    poll()
    expect(emitted).toEqual([['change', file]])
    expect(check.pending).toBe(true)
    check.noteReported(file)
    await sleep(AFTER_RECHECK_MS)
    poll()
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
    poll()
    expect(emitted).toEqual([['change', file]])
  })
})
