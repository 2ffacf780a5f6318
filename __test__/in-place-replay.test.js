// The replay of a framework's last in-place update once a burst of them has settled
// (lib/in-place-replay.js), on fake timers: when it sends, what, and when it does not.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { CONTRACT, settleMsOf } from '../lib/contract.js'
import { InPlaceReplay } from '../lib/in-place-replay.js'

const SETTLE_MS = settleMsOf(CONTRACT.batch)
const update = (n) => ({
  type: 'update',
  updates: [{ type: 'js-update', path: '/app/routes/about.jsx', acceptedPath: '/app/routes/about.jsx', timestamp: n }],
})

describe('InPlaceReplay', () => {
  let sent, replay
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] })
    sent = []
    replay = new InPlaceReplay((payload) => sent.push(payload), SETTLE_MS)
  })
  afterEach(() => {
    replay.dispose()
    vi.useRealTimers()
  })

  test('a lone save is not replayed', () => {
    replay.updated('/app/data/about.js', update(1))
    vi.advanceTimersByTime(SETTLE_MS * 3)
    expect(sent).toEqual([])
  })

  test('a burst gets its last update once, after it settled, with a new timestamp', () => {
    for (let i = 1; i <= 5; i++) {
      replay.updated('/app/data/about.js', update(i))
      vi.advanceTimersByTime(30)
    }
    expect(sent, 'not while the burst goes on').toEqual([])
    vi.advanceTimersByTime(SETTLE_MS)
    expect(sent).toHaveLength(1)
    expect(sent[0].updates[0].path).toBe('/app/routes/about.jsx')
    expect(sent[0].updates[0].timestamp).toBeGreaterThan(5)
    vi.advanceTimersByTime(SETTLE_MS * 3)
    expect(sent, 'once').toHaveLength(1)
  })

  test('saves further apart than the settle window are lone saves, and files are apart', () => {
    replay.updated('/app/data/about.js', update(1))
    vi.advanceTimersByTime(SETTLE_MS + 1)
    replay.updated('/app/data/about.js', update(2))
    replay.updated('/app/data/home.js', update(3))
    vi.advanceTimersByTime(SETTLE_MS * 3)
    expect(sent).toEqual([])
  })

  test('dispose cancels a pending replay', () => {
    replay.updated('/app/data/about.js', update(1))
    replay.updated('/app/data/about.js', update(2))
    replay.dispose()
    vi.advanceTimersByTime(SETTLE_MS * 3)
    expect(sent).toEqual([])
  })
})
