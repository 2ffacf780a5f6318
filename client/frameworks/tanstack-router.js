// TanStack Router (and Start): `router.invalidate()` re-runs the loaders of the current
// matches (server functions they call run on the server) and re-renders in place
// (https://tanstack.com/router/latest/docs/framework/react/api/router/RouterType#invalidate-method).
// The router puts itself on `self.__TSR_ROUTER__` in every browser.
//
// Only the loaders that depend on the edit are invalidated: a current match whose route file is
// on none of the update's chains (`update.roots`) is left out. (The router still re-runs every
// loader it finds stale: with its default `staleTime` of 0, all of them.) Matches of other
// pages (the router's cache, its preloads) are invalidated all the same: the update says
// nothing about their dependencies. When no current match's file is on a chain (route files
// named another way, a page whose roots are not its routes), every loader re-runs. A loader
// left out that did depend on the edit (through a value another module memoized) leaves a
// fresh text unshown, and the tab reloads (in-place.js): never stale.

/** A route file's path under `routes/` as its route id is spelled: `posts.$id.tsx` → `posts/$id`, `about/index.tsx` → `about`. */
export function routeKeyOfFile(file) {
  const underRoutes = /(?:^|\/)routes\/(.+)$/.exec(file.replace(/[?#].*$/, ''))?.[1]
  if (!underRoutes) return undefined
  return underRoutes
    .replace(/\.[cm]?[jt]sx?$/, '')
    .replace(/\./g, '/')
    .replace(/(^|\/)(index|route)$/, '')
}

/** A route id as routeKeyOfFile spells files: `/posts/$id` → `posts/$id`, `/` → ``, `__root__` → `__root`. */
export function routeKeyOfId(routeId) {
  return routeId === '__root__' ? '__root' : routeId.replace(/^\/|\/$/g, '')
}

/** The route keys of every file on the update's chains. */
function reachedRouteKeys(update) {
  const keys = new Set()
  for (const { chain = [] } of update?.roots ?? []) {
    for (const file of chain) {
      const key = routeKeyOfFile(file)
      if (key !== undefined) keys.add(key)
    }
  }
  return keys
}

export default {
  name: 'tanstack-router',
  detect: () => typeof self.__TSR_ROUTER__?.invalidate === 'function',
  update(update) {
    const router = self.__TSR_ROUTER__
    const reached = reachedRouteKeys(update)
    const reaches = (match) => reached.has(routeKeyOfId(match.routeId))
    const matches = router.state?.matches ?? []
    if (!matches.some(reaches)) return router.invalidate()
    const current = new Set(matches.map((match) => match.id))
    return router.invalidate({ filter: (match) => !current.has(match.id) || reaches(match) })
  },
}
