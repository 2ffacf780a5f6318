// A fixture's dev server and a Chromium for one `describe`: both started before its tests and
// closed after them, every tab closed after each test.

import { afterAll, afterEach, beforeAll } from 'vitest'
import { launchBrowser } from './browser.js'
import { startViteDevServer } from './dev-server.js'

/**
 * Registers the hooks in the enclosing `describe`; returns `{ dev, browser }`, set once its
 * `beforeAll` ran (see startViteDevServer for `options`).
 */
export function useDevServerAndBrowser(fixture, options) {
  const app = { dev: undefined, browser: undefined }
  beforeAll(async () => {
    ;[app.dev, app.browser] = await Promise.all([startViteDevServer(fixture, options), launchBrowser()])
  })
  afterAll(async () => {
    await app.browser?.close()
    await app.dev?.close()
  })
  afterEach(() => app.browser?.closeTabs())
  return app
}
