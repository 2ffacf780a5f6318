import { createRouter } from '@tanstack/react-router'
import { routeTree } from './routeTree.gen'

// TanStack Start asks this module for a router, once per request on the server and once in the browser.
export function getRouter() {
  return createRouter({ routeTree, scrollRestoration: true })
}
