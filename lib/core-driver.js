// The one timer of a session, armed for the core's next deadline (`core.nextDeadline()`): a
// batch due, a check timing out, a change window's safety close, a burst's replay, a socket's
// grace, several servers' hooks. Every rule about time lives in the core (quinn-proto's
// `poll_timeout` / `handle_timeout(now)`); when the timer fires, `core.poll(now)` returns all
// that is due, and the session carries it out. Also here: the work a change's hooks leave for
// right after them, and the compilation of a batch before its decision.

import { performance } from 'node:perf_hooks'
import { colors, debug, plural } from './logger.js'

/** Compile-check rounds before a decision while files keep changing; a later one checks the rest. */
const MAX_COMPILE_ROUNDS = 4

export class CoreDriver {
  /** @type {import('./dev-session.js').DevSession} */
  #session
  #timer = null
  #flushing = Promise.resolve()
  /** Work a change's hooks leave for right after them (`afterHooks`). */
  #afterHooksWork = []
  #afterHooksImmediate = null
  /** A call into the core failed: every tab reloads at the next flush. */
  #reloadEveryTabPending = false

  constructor(session) {
    this.#session = session
  }

  /** Every tab reloads at once (a call into the core failed). */
  reloadEveryTab() {
    this.#reloadEveryTabPending = true
    this.schedule()
  }

  /**
   * Queues `work` (if any) and the timer's arming for right after this change's hooks: what
   * the hook's answer does not depend on leaves Vite's hot path. It runs before anything can
   * render with it: the next turn of the event loop, before any flush.
   */
  afterHooks(work) {
    if (work) this.#afterHooksWork.push(work)
    this.#afterHooksImmediate ??= setImmediate(() => {
      this.#afterHooksImmediate = null
      this.runAfterHooksWork()
      this.schedule()
    })
    return undefined
  }

  runAfterHooksWork() {
    for (const work of this.#afterHooksWork.splice(0)) {
      if (this.#session.disposed) return
      // Out of Vite's hook now: a failure here must be logged, never thrown at the loop.
      try {
        work()
      } catch (error) {
        this.#session.logger.error(
          colors.yellow(`[ssr-hmr] invalidating server modules failed: ${error?.message ?? error}`),
          { timestamp: true, error },
        )
      }
    }
  }

  /** Arms the one timer for the core's next deadline. */
  schedule() {
    const session = this.#session
    if (session.disposed) return
    this.cancel()
    const deadline = this.#reloadEveryTabPending
      ? performance.now()
      : session.guard('scheduling', (core) => core.nextDeadline())
    if (deadline == null) return
    const flush = () => {
      this.#timer = null
      // A failed flush must not stop every later one: log it and keep the chain going.
      this.#flushing = this.#flushing
        .then(() => this.#flush())
        .catch((error) => {
          session.logger.error(colors.yellow(`[ssr-hmr] acting on a change failed: ${error?.message ?? error}`), {
            timestamp: true,
            error,
          })
        })
    }
    const delay = deadline - performance.now()
    // Due now (a lone save): right after the hooks of this change, not a timer tick (≥ 1 ms) later.
    this.#timer = delay <= 0 ? { immediate: setImmediate(flush) } : { timeout: setTimeout(flush, delay) }
    this.#timer.timeout?.unref?.()
    this.#timer.immediate?.unref?.()
  }

  cancel() {
    clearTimeout(this.#timer?.timeout)
    clearImmediate(this.#timer?.immediate)
    this.#timer = null
  }

  async #flush() {
    const session = this.#session
    if (session.disposed) return
    this.runAfterHooksWork()
    if (this.#reloadEveryTabPending) {
      this.#reloadEveryTabPending = false
      session.members.broadcast({ type: 'full-reload', path: '*' })
      session.logger.info(colors.green('ssr-hmr ') + 'page reload (every tab, after an internal error)', {
        timestamp: true,
      })
    }
    let now = performance.now()
    if (session.guard('scheduling', (core) => core.decisionDue(now))) {
      await this.#compileBatch()
      if (session.disposed) return
      now = performance.now()
    }
    session.applyNow('deciding', (core) => core.poll(now, Date.now()))
    this.schedule()
  }

  /**
   * Every server-only file of the batch compiled before the decision, also those changed while
   * the first ones compiled (a busy burst): the decision names its error tabs from it. Only
   * when due: compiling reads the files, as the decision's refresh will.
   */
  async #compileBatch() {
    const { compilation } = this.#session
    const started = performance.now()
    let compiled = 0
    for (let round = 0; round === 0 || (compilation.hasQueued && round < MAX_COMPILE_ROUNDS); round++) {
      compiled += await compilation.run()
      if (this.#session.disposed) return
    }
    if (compiled)
      debug(`compiled ${plural(compiled, 'server-only file')}: ${(performance.now() - started).toFixed(1)} ms`)
  }

  /**
   * Resolves once no change waits for a decision or a check for its answer, `pending()` says
   * nothing else is pending, and the last decision was carried out (for tests).
   */
  async whenIdle(pending) {
    for (;;) {
      await this.#flushing
      const session = this.#session
      if (session.disposed) return
      const deciding = this.#reloadEveryTabPending || session.guard('scheduling', (core) => core.deciding())
      if (!deciding && !pending()) return
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }

  dispose() {
    this.cancel()
    clearImmediate(this.#afterHooksImmediate)
    this.#afterHooksWork.length = 0
  }
}
