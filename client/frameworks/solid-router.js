// Solid Router (SolidStart): `revalidate()` with no key re-runs every `query` of the current
// page (server functions they call run on the server) and updates the page in place, with the
// components' state kept (https://docs.solidjs.com/solid-router/reference/data-apis/revalidate).
// Solid's hydration puts `_$HY` on every page it hydrates.
// @ssr-hmr-needs @solidjs/router

import { revalidate } from '@solidjs/router'

export default {
  name: 'solid-router',
  detect: () => typeof globalThis._$HY === 'object',
  update: () => revalidate(),
}
