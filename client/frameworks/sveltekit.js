// SvelteKit: `invalidateAll()` re-runs every `load` of the current page (its server loads
// on the server) and updates the page in place, components' state kept
// (https://svelte.dev/docs/kit/$app-navigation#invalidateAll).
// @ssr-hmr-needs $app/navigation

import { invalidateAll } from '$app/navigation'

export default {
  name: 'sveltekit',
  // Set by SvelteKit's dev server in every page it renders.
  detect: () => '__sveltekit_dev' in globalThis,
  update: () => invalidateAll(),
}
