// The tanstack-router part of 'auto' (client/frameworks/tanstack-router.js) against a router
// that records what it was asked: which loaders an update re-runs. The real TanStack Start app
// in the framework suite checks the same in Chromium (its root loader is left alone).

import { afterEach, describe, expect, test } from 'vitest'
import part, { routeKeyOfFile, routeKeyOfId } from '../client/frameworks/tanstack-router.js'

// The part reads `self.__TSR_ROUTER__`, as in a browser.
globalThis.self ??= globalThis

/** A router on /posts/$id (under the root and a layout), with one cached match of another page. */
function fakeRouter() {
  const matches = ['__root__', '/_layout', '/_layout/posts/$id'].map((routeId) => ({ id: routeId, routeId }))
  const cached = { id: '/about', routeId: '/about' }
  const router = {
    state: { matches },
    invalidated: undefined,
    async invalidate(options) {
      const filter = options?.filter ?? (() => true)
      router.invalidated = [...matches, cached].filter(filter).map((match) => match.id)
    },
  }
  return router
}

const update = (...chains) => ({ roots: chains.map((chain) => ({ root: chain.at(-1), file: chain[0], chain })) })

describe('the tanstack-router part', () => {
  afterEach(() => {
    delete globalThis.__TSR_ROUTER__
  })

  test('spells route files as their route ids', () => {
    const cases = [
      ['src/routes/index.tsx', '/'],
      ['src/routes/about.tsx?tss-serverfn-split', '/about'],
      ['src/routes/__root.tsx', '__root__'],
      ['src/routes/posts.$id.tsx', '/posts/$id'],
      ['src/routes/posts/$id.tsx', '/posts/$id'],
      ['src/routes/posts/index.tsx', '/posts/'],
      ['src/routes/posts/route.tsx', '/posts'],
      ['app/routes/_layout/posts.$id.jsx', '/_layout/posts/$id'],
    ]
    for (const [file, routeId] of cases) expect(routeKeyOfFile(file), file).toBe(routeKeyOfId(routeId))
    expect(routeKeyOfFile('src/data/about.js')).toBeUndefined()
    expect(routeKeyOfFile('src/routes/about.tsx')).not.toBe(routeKeyOfId('/'))
  })

  test("re-runs only the current matches on the update's chains, and every cached match of other pages", async () => {
    const router = (globalThis.__TSR_ROUTER__ = fakeRouter())
    await part.update(update(['src/server/posts.js', 'src/routes/_layout/posts.$id.tsx?tss-serverfn-split']))
    expect(router.invalidated).toEqual(['/_layout/posts/$id', '/about'])
  })

  test('a layout on a chain re-runs with its page', async () => {
    const router = (globalThis.__TSR_ROUTER__ = fakeRouter())
    await part.update(
      update(
        ['src/server/nav.js', 'src/routes/_layout.tsx'],
        ['src/server/nav.js', 'src/routes/_layout/posts.$id.tsx'],
      ),
    )
    expect(router.invalidated).toEqual(['/_layout', '/_layout/posts/$id', '/about'])
  })

  test('no current match on a chain (roots that are not route files, or none): every loader re-runs', async () => {
    for (const payload of [update(['src/server/db.js', 'src/entry-server.js']), { roots: [] }, {}]) {
      const router = (globalThis.__TSR_ROUTER__ = fakeRouter())
      await part.update(payload)
      expect(router.invalidated).toEqual(['__root__', '/_layout', '/_layout/posts/$id', '/about'])
    }
  })
})
