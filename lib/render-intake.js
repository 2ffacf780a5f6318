// What the dev server's responses tell the core about renders: each HTML response's stamp
// and fingerprint as it streams, the modules a page's render requested (its roots), a page's
// re-fetch of its own output (a framework updating it in place), and an out-of-process
// runtime's module requests. A render answering a check ends with its tab's verdict.

import { performance } from 'node:perf_hooks'
import { sendError } from './error-overlay.js'

export class RenderIntake {
  /** @type {import('./dev-session.js').DevSession} */
  #session

  constructor(session) {
    this.#session = session
  }

  /** A server environment outside Vite's process requested a module (it is re-importing). */
  noteFetch(environment) {
    const session = this.#session
    session.guard('noting a module request', (core) => core.noteFetch(session.nameOf(environment), performance.now()))
    session.driver.schedule()
  }

  /**
   * A `fetch()` from within the page `url` was answered with `status` and `contentType`: if it
   * is the page's own output, a framework may be updating that page in place (the core's
   * `refetch.rs`).
   */
  notePageRefetch(url, status, contentType) {
    const session = this.#session
    const refetched = session.guard('noting a page re-fetch', (core) =>
      core.onPageRefetch(url, status, contentType, performance.now()),
    )
    if (refetched) session.driver.schedule()
  }

  recordPageRoots(url, environmentName, fetched) {
    const session = this.#session
    session.guard('recording page modules', (core) => core.recordPageRoots(url, environmentName, fetched))
  }

  /** An HTML response is sending its headers: its render stamp. */
  beginRender(url, status, location, pageFetch) {
    const session = this.#session
    return session.guard('stamping a render', (core) => core.beginRender(url, status, location, pageFetch))
  }

  writeRender(render, bytes) {
    const session = this.#session
    session.guard('fingerprinting a render', (core) => core.writeRender(render, bytes))
  }

  /**
   * A render ended; if it answered a check, its tab is told the verdict now, and first the
   * error the render failed with, if Vite had one to broadcast (it went to this tab only).
   */
  endRender(render, complete, error) {
    const session = this.#session
    const json = session.guard('fingerprinting a render', (core) => core.endRender(render, complete, Date.now()))
    if (!json) return
    const effects = JSON.parse(json)
    if (error) {
      for (const { tab } of effects.messages) {
        const client = session.tabs.clientOf(tab)
        if (client) sendError(session, client, error)
      }
    }
    session.effects.apply(effects)
    // A check answered: the deadline the timer waits for may be gone.
    session.driver.schedule()
  }
}
