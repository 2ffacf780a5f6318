// React Router (framework mode): `router.revalidate()` re-runs the loaders of the current
// matches (server loaders on the server) and re-renders in place, components' state kept
// (https://reactrouter.com/api/hooks/useRevalidator). React Router updates a page in place
// itself for an edit of a route module's server code (its hot data revalidation); this covers
// the edits it does not carry to the browser. Its `HydratedRouter` puts the router on
// `window.__reactRouterDataRouter`.

export default {
  name: 'react-router',
  detect: () => typeof window.__reactRouterDataRouter?.revalidate === 'function',
  update: () => window.__reactRouterDataRouter.revalidate(),
}
