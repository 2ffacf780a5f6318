import { about } from '$lib/server/about.js'

// Runs on the server only: $lib/server modules never reach the browser.
export function load() {
  return { data: about }
}
