import { home } from '#lib/server/home.js'

// Runs on the server only: modules under lib/server never reach the browser.
export function load() {
  return { data: home }
}
