// TanStack Router (and Start): `router.invalidate()` re-runs the loaders of the current
// matches (server functions they call run on the server) and re-renders in place
// (https://tanstack.com/router/latest/docs/framework/react/api/router/RouterType#invalidate-method).
// The router puts itself on `self.__TSR_ROUTER__` in every browser.

export default {
  name: 'tanstack-router',
  detect: () => typeof self.__TSR_ROUTER__?.invalidate === 'function',
  update: () => self.__TSR_ROUTER__.invalidate(),
}
