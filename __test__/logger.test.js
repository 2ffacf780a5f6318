// The decision's log line (lib/logger.js `outcomeLine`), from outcomes shaped as the core
// serializes them: it says what each tab did, by the strategy its page picked.
import { describe, expect, test } from 'vitest'
import { stripVTControlCharacters } from 'node:util'
import { outcomeLine, refreshedLine } from '../lib/logger.js'
import { refreshedMessageOf } from '../lib/page-messages.js'

// Colored when the test runs in a terminal.
const lineOf = (...args) => stripVTControlCharacters(outcomeLine(...args))

const outcome = (refreshedBy, unchanged = []) => ({
  id: 1,
  action: 'reload',
  files: { serverOnly: ['src/data/team.js'], shared: [], clientOnly: [], watched: [], updatedInPlace: [] },
  invalidatedCount: { ssr: 3 },
  reloadAll: false,
  errorTabs: 0,
  refreshed: [...new Set(Object.values(refreshedBy).flatMap((by) => by.pages))].sort(),
  refreshedTabs: Object.values(refreshedBy).reduce((sum, by) => sum + by.tabs, 0),
  refreshedBy,
  unchanged,
  unchangedTabs: unchanged.length,
})

describe('outcomeLine', () => {
  test('one way: the verb is what the tabs did, not the configured strategy', () => {
    const line = lineOf(outcome({ morph: { pages: ['/about'], tabs: 1 } }, ['/']), { ms: 0.4, total: 3 })
    expect(line).toBe(
      'ssr-hmr morph 1 of 3 tabs (/about) ← src/data/team.js, output unchanged in 1 tab (/), 3 modules invalidated, 0.40 ms',
    )
  })

  test('several ways: each with its tabs and pages', () => {
    const line = lineOf(
      outcome({
        reload: { pages: ['/'], tabs: 1 },
        morph: { pages: ['/about'], tabs: 2 },
        event: { pages: [], tabs: 1 },
      }),
      { ms: 1, total: 4 },
    )
    expect(line).toBe(
      'ssr-hmr reload 1 (/), morph 2 (/about), event to 1 of 4 tabs ← src/data/team.js, 3 modules invalidated, 1.00 ms',
    )
  })
})

describe('refreshedLine', () => {
  const refreshedOf = (message) => stripVTControlCharacters(refreshedLine(message))

  test('a tab updated in place says so, with its framework', () => {
    expect(refreshedOf({ page: '/about', path: 'in-place', framework: 'vike' })).toBe('ssr-hmr in place /about (vike)')
  })

  test('a reload says why, when a framework could not update the page in place', () => {
    expect(refreshedOf({ page: '/about', path: 'reload', framework: 'vike' })).toBe(
      'ssr-hmr reload /about (vike did not show the fresh render in place)',
    )
    expect(refreshedOf({ page: '/', path: 'reload' })).toBe('ssr-hmr reload /')
  })
})

describe('refreshedMessageOf (untrusted browser messages)', () => {
  test('only a same-origin path, a known path and a plain framework name pass', () => {
    expect(refreshedMessageOf({ page: '/a?b=1', path: 'in-place', framework: 'tanstack-router' })).toEqual({
      page: '/a?b=1',
      path: 'in-place',
      framework: 'tanstack-router',
    })
    expect(refreshedMessageOf({ page: '/a', path: 'in-place', framework: 'x\u001b[31m' })).toEqual({
      page: '/a',
      path: 'in-place',
      framework: undefined,
    })
    expect(refreshedMessageOf({ page: '//evil.test/', path: 'reload' })).toBeUndefined()
    expect(refreshedMessageOf({ page: '/a\n', path: 'reload' })).toBeUndefined()
    expect(refreshedMessageOf({ page: '/a', path: 'morph' })).toBeUndefined()
    expect(refreshedMessageOf(null)).toBeUndefined()
  })
})
