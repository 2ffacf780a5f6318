// What a change reaching the hooks does, once per server environment (and once for a watched
// file): the core classifies it and queues it (its answer settles the full-reloads the browser
// channels hold for the file), its modules are invalidated right after the hooks, a runtime
// outside Vite's process is told to reload, and the write is noted for late writes.

import { performance } from 'node:perf_hooks'
import { relative } from './effects.js'
import { invalidateInServer, isRunnable } from './invalidate.js'
import { LateWrites } from './late-writes.js'
import { debug } from './logger.js'
import { writtenAt } from './write-time.js'

export class ChangeIntake {
  /** @type {import('./dev-session.js').DevSession} */
  #session

  constructor(session) {
    this.#session = session
    // A write chokidar's throttle dropped was dropped by every server's watcher (they all
    // watch the root, on the same events): it is reported to each.
    this.lateWrites = new LateWrites(session, {
      emit: (event, file) => {
        for (const server of session.members.servers()) server.watcher?.emit?.(event, file)
      },
    })
  }

  /**
   * The hook result for one file changed in one server environment. `read` (an update's) waits
   * until the file is readable: a runtime outside Vite's process re-imports as soon as it is
   * told, and must not read a half-written file.
   */
  server(environment, file, read) {
    const session = this.#session
    const { driver } = session
    session.effects.noteChange()
    this.lateWrites.noteReported(file)
    const name = session.nameOf(environment)
    const change = session.guard('deciding', (core) =>
      core.onServerChange(name, file, performance.now(), writtenAt(file)),
    )
    if (!change) return driver.afterHooks()
    // The class settles the full-reloads the browser channels hold for the file.
    session.applyNow('settling held reloads', (core) => core.takeEffects(Date.now()))
    if (debug.enabled)
      debug(
        `(${name}) ${relative(session.root, file)}: ${change.class}, invalidate ${change.invalidate.length}${change.keepViteUpdate ? ', Vite update kept' : ''}`,
      )
    if (change.class !== 'server-only' && change.class !== 'shared') return driver.afterHooks()
    if (change.class === 'server-only') session.compilation.queue(file)
    if (change.keepViteUpdate) return driver.afterHooks()
    const server = session.members.of(environment).server
    driver.afterHooks(() => {
      const idOf = (ix) => session.guard('naming a module', (core) => core.moduleId(name, ix))
      invalidateInServer(server, environment, file, session.modules.nodesOf(name, environment, change.invalidate, idOf))
    })
    if (!isRunnable(environment)) {
      // Its runtime lives elsewhere (a worker, another process), out of our reach: it
      // reloads itself on this, fetching what was just invalidated.
      const tell = () => {
        if (session.disposed) return
        driver.runAfterHooksWork()
        debug(`(${name}) not runnable here: full-reload sent on its channel`)
        environment.hot.send({ type: 'full-reload', triggeredBy: file, path: '*' })
      }
      if (read) read().then(tell, tell)
      else tell()
    }
    return []
  }

  /** A `watch` glob matched `file`. */
  watched(file) {
    const session = this.#session
    session.effects.noteChange()
    this.lateWrites.noteReported(file)
    session.guard('recording a watched file', (core) => core.onWatchedChange(file, performance.now(), writtenAt(file)))
    session.driver.afterHooks()
  }
}
