import { home } from '$lib/server/home.js'

// Runs on the server only: $lib/server modules never reach the browser.
export function load() {
  return { data: home }
}
