// The replay of a framework's last in-place update once a burst of them has settled: when it
// is due is the core's rule (`in_place_replay.rs`, its cargo tests: a lone save, a burst, saves
// further apart than the settle window, files apart); what is sent again is the shim's
// (`lib/held-payloads.js`): the update with a new timestamp, a custom event as it was.
import { describe, expect, test } from 'vitest'
import { HeldPayloads, replayed } from '../lib/held-payloads.js'

const update = (n) => ({
  type: 'update',
  updates: [{ type: 'js-update', path: '/app/routes/about.jsx', acceptedPath: '/app/routes/about.jsx', timestamp: n }],
})

describe('the replay of an in-place update', () => {
  test('an update is sent again with a new timestamp, a custom event as it was', () => {
    const again = replayed(update(5))
    expect(again.updates[0].path).toBe('/app/routes/about.jsx')
    expect(again.updates[0].timestamp).toBeGreaterThan(5)
    const event = { type: 'custom', event: 'rsc:update', data: { file: '/app/data.js' } }
    expect(replayed(event)).toBe(event)
  })

  test('held payloads are sent, replayed or dropped as the core says, and forgotten with their last reference', () => {
    const sent = []
    const channel = { send: (payload) => sent.push(payload) }
    const held = new HeldPayloads()
    held.keep(1, update(1))
    held.keep(2, { type: 'full-reload', path: '*' })
    held.keep(3, update(3))
    held.apply(
      [
        { channel: 1, payload: 1, action: 'replay', forget: false },
        { channel: 1, payload: 2, action: 'send', forget: true },
        { channel: 1, payload: 3, action: 'drop', forget: true },
        { channel: 2, payload: 1, action: 'replay', forget: true },
      ],
      (id) => (id === 1 ? channel : undefined),
    )
    expect(sent.map((payload) => payload.type)).toEqual(['update', 'full-reload'])
    expect(sent[0].updates[0].timestamp).toBeGreaterThan(1)
    expect(held.size, 'every payload forgotten').toBe(0)
  })
})
