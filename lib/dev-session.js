// Everything the plugin holds for one project: the native core, the tabs, the flush timer, and
// the dev servers it serves (its members, see `lib/project.js`). Nearly always one server; a
// meta-framework like vinxi runs several in one process for one root (client, ssr, server
// functions), and they act as one: one core mirrors every server's graphs (a later server's
// environments are named `<name>@<n>` there), a file is classified against the client graph
// wherever it lives, and a decision reaches the tabs connected to any server. A server leaves
// when its environments close; the session ends with its last server, so nothing leaks across
// restarts.

import { AsyncLocalStorage } from 'node:async_hooks'
import { performance } from 'node:perf_hooks'
import { BrowserChannel } from './browser-channel.js'
import { CompileCheck } from './compile-check.js'
import { EVENTS } from './contract.js'
import { createCore, recoverIfUnusable } from './core-recovery.js'
import { colors, debug, outcomeLine, plural } from './logger.js'
import { NO_TAB, TabRegistry } from './tab-registry.js'
import { invalidateInServer, isRunnable } from './invalidate.js'
import { LateWriteCheck } from './late-writes.js'
import { ModuleIndex } from './module-index.js'
import { settleMsOf } from './options.js'
import { writtenAt } from './write-time.js'

export const UPDATE_EVENT = EVENTS.update
/**
 * The compile error of a server module, for the tabs whose page uses it. Not Vite's own
 * `error` payload: Vite's client clears that overlay on the next client update although the
 * server module is still broken, and reloads a page that shows one on its first update, into
 * the page's failing render.
 */
export const ERROR_EVENT = EVENTS.error
/** Compile-check rounds before a decision while files keep changing; a later one checks the rest. */
const MAX_CHECK_ROUNDS = 4
/** How long a socket may stay connected without saying which page it shows. */
const REPORT_GRACE_MS = 1000
/** How long a change heard by one of several servers waits for the others' hooks. */
const MAX_HEARD_MS = 250

/**
 * One dev server of the project.
 * @typedef {object} Member
 * @property {import('vite').ViteDevServer} server
 * @property {Record<string, import('vite').DevEnvironment>} environments
 * @property {Map<import('vite').DevEnvironment, string>} names each environment's name in the core
 * @property {BrowserChannel} channel what is sent to this server's browsers
 * @property {(() => void)[]} disposers run when the server leaves
 * @property {import('vite').DevEnvironment} last the environment whose hooks Vite runs last
 */

export class DevSession {
  /** @type {Member[]} the project's dev servers, in the order they joined */
  #members = []
  #joined = 0
  /** @type {import('./options.js').ResolvedOptions} */ options
  tabs = new TabRegistry()
  #core
  #logger
  #flushTimer = null
  #flushing = Promise.resolve()
  /** Work a change's hooks leave for right after them (`#afterHooks`). */
  #afterHooksWork = []
  #afterHooksImmediate = null
  #reloadEveryTabPending = false
  /** The plugin's own work for the pending batch, and when its first change arrived. */
  #batchWork = { ms: 0, firstChangeAt: undefined }
  #lateWrites
  compileCheck = new CompileCheck(this)
  #disposed = false
  #disposers = []
  /** Sockets that have not said yet which page they show, with the update they missed. */
  #unreported = new Map()
  /** The plugin's own work (ms) for each decision not logged yet. */
  #workByDecision = new Map()
  /** Full-reloads of other plugins replaced by each decision not logged yet. */
  #replacedByDecision = new Map()
  /** Files some servers' hooks ran for, waiting for the others' (several servers only). */
  #heard = new Map()

  constructor(binding, options, server) {
    this.options = options
    this.root = server.config.root
    // A write chokidar's throttle dropped was dropped by every server's watcher (they all
    // watch the root, on the same events): it is reported to each.
    this.#lateWrites = new LateWriteCheck({
      emit: (event, file) => {
        for (const member of this.#members) member.server.watcher?.emit?.(event, file)
      },
    })
    this.#logger = server.config.logger
    this.#core = createCore(binding, {
      root: server.config.root,
      quietMs: options.batch.quietMs,
      maxWaitMs: options.batch.maxWaitMs,
      refresh: options.refresh,
      // The importer chains behind each decision, for the debug log only.
      explain: debug.enabled,
    })
    /** Every dev request runs in a scope of this: `{ url, check?, fetched, render, … }`. */
    this.requests = new AsyncLocalStorage()
    /** The Vite node behind each module index of the core. */
    this.modules = new ModuleIndex()
    this.join(server)
  }

  /**
   * Adds a dev server to the project: its environments join the core's mirror (named as they
   * are, or `<name>@<n>` where another server has that name), and its browser channel is read.
   */
  join(server) {
    const serial = ++this.#joined
    const taken = new Set(this.#members.flatMap((member) => [...member.names.values()]))
    const names = new Map()
    for (const environment of Object.values(server.environments)) {
      const name = taken.has(environment.name) ? `${environment.name}@${serial}` : environment.name
      names.set(environment, name)
      const consumer = this.consumerOf(environment)
      this.guard('registering an environment', (core) => {
        if (consumer) core.setEnvironment(name, consumer)
        if (consumer === 'server' && !isRunnable(environment)) core.setOutOfProcess(name)
      })
    }
    const channel = new BrowserChannel(this, server.environments.client.hot, {
      keepFrameworkReloads: this.options.frameworkReloads === 'keep',
      settleMs: settleMsOf(this.options.batch),
      watcher: server.watcher,
      serverHot: server.hot,
    })
    if (this.#members.length)
      debug(`a dev server joined the project at ${this.root}: ${[...names.values()].join(', ')}`)
    // The environments as they were at start: on a restart Vite copies the new server's fields
    // onto the old server object, and the old session must still know its own when they close.
    const environments = server.environments
    this.#members.push({ server, environments, names, channel, disposers: [], last: lastToRun(environments) })
  }

  /** The member (dev server) an environment, a server or a websocket client belongs to. */
  #memberOf(environment) {
    return this.#members.find((member) => member.names.has(environment))
  }

  /** Whether `server` is one of the project's dev servers (hooks get a proxy: matched by config). */
  serves(server) {
    return this.#members.some((member) => member.server.config === server?.config)
  }

  /** Whether `server` restarts one of the project's servers (Vite reuses its inline config). */
  restarts(server) {
    return this.#members.some((member) => member.server.config.inlineConfig === server.config.inlineConfig)
  }

  /** The first server still in the project: its logger and its name for the root. */
  get server() {
    return this.#members[0]?.server
  }

  /** The core's name of one of the project's environments; undefined for any other. */
  nameOf(environment) {
    return this.#memberOf(environment)?.names.get(environment)
  }

  /** Every environment of the project by its core name (one server's: its own record of them). */
  get environments() {
    if (this.#members.length === 1) return this.#members[0].environments
    const environments = {}
    for (const member of this.#members) for (const [environment, name] of member.names) environments[name] = environment
    return environments
  }

  /** The browser channel of the server an environment belongs to. */
  channelOf(environment) {
    return this.#memberOf(environment)?.channel
  }

  /** Every websocket client of every server of the project. */
  *clients() {
    for (const member of this.#members) yield* member.server.ws.clients
  }

  /**
   * One environment's hooks for `file` ran. Vite calls them environment by environment; after
   * its server's last one, what that server sends to the browser for the file is its own
   * again. With several servers, each runs its own hooks for the file (each has its watcher):
   * the decision waits until every server's did, or `MAX_HEARD_MS` without the others.
   */
  hooksRan(environment, file) {
    const member = this.#memberOf(environment)
    if (environment !== member?.last) return
    member.channel.end(file)
    if (this.#members.length < 2) return
    let heard = this.#heard.get(file)
    if (!heard) {
      heard = { by: new Set(), timer: setTimeout(() => this.#heard.delete(file), MAX_HEARD_MS) }
      heard.timer.unref?.()
      this.#heard.set(file, heard)
    }
    heard.by.add(member)
    if (this.#members.every((other) => heard.by.has(other))) {
      clearTimeout(heard.timer)
      this.#heard.delete(file)
    }
  }

  /** Some change is still in progress: a decision now could miss its other hooks, or what other plugins send. */
  get busy() {
    return this.#heard.size > 0 || this.#members.some((member) => member.channel.busy)
  }

  /** A server environment classified `file`: each server's channel settles the reloads it holds for it. */
  #classified(file, changeClass) {
    for (const member of this.#members) member.channel.classified(file, changeClass)
  }

  /** Sends a payload to the browsers of every server, past the interception. */
  #broadcast(payload) {
    for (const member of this.#members) member.channel.send(payload)
  }

  /** Full-reloads of other plugins replaced since the last decision, on every server; counted once. */
  #takeReplaced() {
    let replaced = 0
    for (const member of this.#members) {
      replaced += member.channel.replaced
      member.channel.replaced = 0
    }
    return replaced
  }

  #clientCount() {
    let count = 0
    for (const member of this.#members) count += member.server.ws.clients.size
    return count
  }

  /** `'server'` for the environments this plugin decides for, `'client'` for browsers. */
  consumerOf(environment) {
    if (this.options.isServerEnvironment(environment)) return 'server'
    if (environment.config.consumer === 'client') return 'client'
    return undefined
  }

  get core() {
    return this.#core
  }

  get logger() {
    return this.#logger
  }

  /**
   * Runs a call into the native core. A failure there must never take the dev server down:
   * it is logged once with its cause and every tab is reloaded, the one action that is
   * always safe; the next edit is handled normally.
   */
  guard(label, call) {
    if (this.#disposed) return undefined
    const started = performance.now()
    try {
      return call(this.#core)
    } catch (error) {
      this.#logger.warn(
        colors.yellow(`[ssr-hmr] ${label} failed, reloading every tab instead: ${error?.message ?? error}`),
        { timestamp: true, error },
      )
      // On WebAssembly a panic leaves the core unusable: a fresh one takes its place.
      recoverIfUnusable(this, this.#core)
      this.#reloadEveryTabPending = true
      this.#scheduleFlush()
      return undefined
    } finally {
      this.#batchWork.ms += performance.now() - started
    }
  }

  /**
   * The hook result for one file changed in one server environment. `read` (an update's) waits
   * until the file is readable: a runtime outside Vite's process re-imports as soon as it is
   * told, and must not read a half-written file.
   */
  handleServerChange(environment, file, read) {
    this.#batchWork.firstChangeAt ??= performance.now()
    this.#lateWrites.noteReported(file)
    const name = this.nameOf(environment)
    const change = this.guard('deciding', (core) => core.onServerChange(name, file, performance.now(), writtenAt(file)))
    if (!change) return this.#afterHooks()
    this.#classified(file, change.class)
    if (debug.enabled)
      debug(
        `(${name}) ${relative(this.root, file)}: ${change.class}, invalidate ${change.invalidate.length}${change.keepViteUpdate ? ', Vite update kept' : ''}`,
      )
    if (change.class !== 'server-only' && change.class !== 'shared') return this.#afterHooks()
    if (change.class === 'server-only') this.compileCheck.queue(file)
    if (change.keepViteUpdate) return this.#afterHooks()
    const server = this.#memberOf(environment).server
    this.#afterHooks(() => {
      const idOf = (ix) => this.guard('naming a module', (core) => core.moduleId(name, ix))
      invalidateInServer(server, environment, file, this.modules.nodesOf(name, environment, change.invalidate, idOf))
    })
    if (!isRunnable(environment)) {
      // Its runtime lives elsewhere (a worker, another process), out of our reach: it
      // reloads itself on this, fetching what was just invalidated.
      const tell = () => {
        if (this.#disposed) return
        this.#runAfterHooksWork()
        debug(`(${name}) not runnable here: full-reload sent on its channel`)
        environment.hot.send({ type: 'full-reload', triggeredBy: file, path: '*' })
      }
      if (read) read().then(tell, tell)
      else tell()
    }
    return []
  }

  /**
   * Queues `work` (if any) and the flush's scheduling for right after this change's hooks:
   * what the hook's answer does not depend on leaves Vite's hot path. It runs before
   * anything can render with it: the next turn of the event loop, before any flush.
   */
  #afterHooks(work) {
    if (work) this.#afterHooksWork.push(work)
    this.#afterHooksImmediate ??= setImmediate(() => {
      this.#afterHooksImmediate = null
      this.#runAfterHooksWork()
      this.#scheduleFlush()
    })
    return undefined
  }

  #runAfterHooksWork() {
    for (const work of this.#afterHooksWork.splice(0)) {
      if (this.#disposed) return
      // Out of Vite's hook now: a failure here must be logged, never thrown at the loop.
      try {
        work()
      } catch (error) {
        this.#logger.error(colors.yellow(`[ssr-hmr] invalidating server modules failed: ${error?.message ?? error}`), {
          timestamp: true,
          error,
        })
      }
    }
  }

  /** A file's content is read now (by a compile check): note it for late writes. */
  noteRead(file) {
    this.#lateWrites.noteRead(file)
  }

  handleWatchedChange(file) {
    this.#batchWork.firstChangeAt ??= performance.now()
    this.#lateWrites.noteReported(file)
    this.guard('recording a watched file', (core) => core.onWatchedChange(file, performance.now(), writtenAt(file)))
    this.#afterHooks()
  }

  /** Arms the flush timer for the core's next deadline (not sooner than `minDelayMs`). */
  #scheduleFlush(minDelayMs = 0) {
    if (this.#disposed) return
    this.#cancelFlush()
    let deadline = this.#reloadEveryTabPending
      ? performance.now()
      : this.guard('scheduling', (core) => core.nextDeadline())
    if (deadline == null) return
    deadline = Math.max(deadline, performance.now() + minDelayMs)
    const flush = () => {
      this.#flushTimer = null
      // A failed flush must not stop every later one: log it and keep the chain going.
      this.#flushing = this.#flushing
        .then(() => this.#flush())
        .catch((error) => {
          this.#logger.error(colors.yellow(`[ssr-hmr] acting on a change failed: ${error?.message ?? error}`), {
            timestamp: true,
            error,
          })
        })
    }
    const delay = deadline - performance.now()
    // Due now (a lone save): right after the hooks of this change, not a timer tick (≥ 1 ms) later.
    this.#flushTimer = delay <= 0 ? { immediate: setImmediate(flush) } : { timeout: setTimeout(flush, delay) }
    this.#flushTimer.timeout?.unref?.()
    this.#flushTimer.immediate?.unref?.()
  }

  #cancelFlush() {
    clearTimeout(this.#flushTimer?.timeout)
    clearImmediate(this.#flushTimer?.immediate)
    this.#flushTimer = null
  }

  async #flush() {
    if (this.#disposed) return
    this.#runAfterHooksWork()
    if (this.#reloadEveryTabPending) {
      this.#reloadEveryTabPending = false
      this.#broadcast({ type: 'full-reload', path: '*' })
      this.#logger.info(colors.green('ssr-hmr ') + 'page reload (every tab, after an internal error)', {
        timestamp: true,
      })
    }
    if (!this.guard('scheduling', (core) => (core.nextDeadline() ?? Infinity) <= performance.now()))
      return this.#scheduleFlush()
    // What other plugins send for a change still in progress changes what is decided for it.
    if (this.busy) return this.#scheduleFlush(1)
    // Compiled only when due: checking reads the files, as the decision's refresh will.
    const checkStarted = performance.now()
    // Every server-only file of the batch compiled before the decision, also those changed
    // while the first ones compiled (a busy burst): the decision names its error tabs from it.
    let checked = 0
    for (let round = 0; round === 0 || (this.compileCheck.hasQueued && round < MAX_CHECK_ROUNDS); round++) {
      checked += await this.compileCheck.run()
      if (this.#disposed) return
    }
    if (this.#disposed) return
    if (checked)
      debug(
        `compile check of ${plural(checked, 'server-only file')}: ${(performance.now() - checkStarted).toFixed(1)} ms`,
      )
    const json = this.guard('deciding', (core) => core.poll(performance.now(), Date.now()))
    if (json) this.#apply(JSON.parse(json))
    this.#scheduleFlush()
  }

  /** Resolves once no change waits for a decision or a late write's report, and the last one was carried out (for tests). */
  async whenIdle() {
    for (;;) {
      await this.#flushing
      if (this.#disposed || !(this.#flushTimer || this.#lateWrites.pending)) return
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }

  /**
   * Carries out what the core decided: the decision's compile-error overlays, each tab's
   * check or update (built whole by the core: delivered as they are), what sockets that have
   * not reported yet will get, and one log line per decision whose checks are all answered.
   */
  #apply({ decision, unreported, messages, outcomes }) {
    if (decision) {
      const work = this.#batchWork
      this.#batchWork = { ms: 0, firstChangeAt: undefined }
      this.#workByDecision.set(decision.id, work.ms)
      const replaced = this.#takeReplaced()
      if (replaced) this.#replacedByDecision.set(decision.id, replaced)
      if (debug.enabled) debugDecision(this.root, decision, work)
      this.#showCompileError(decision)
      if (unreported) this.#reachUnreported(decision, unreported)
    }
    for (const { tab, event, data } of messages) {
      const client = this.tabs.clientOf(tab)
      if (!client) continue
      // A tab of a page whose dependencies are unknown shows the compile error it may be
      // seeing the effect of, instead of reloading into it.
      if (data.brokenFiles?.length) this.#sendCompileError(client, data.brokenFiles)
      client.send({ type: 'custom', event, data })
    }
    for (const outcome of outcomes) {
      const ms = this.#workByDecision.get(outcome.id) ?? 0
      this.#workByDecision.delete(outcome.id)
      const line = outcomeLine(outcome, {
        ms,
        total: this.#clientCount(),
        replaced: this.#replacedByDecision.get(outcome.id) ?? 0,
      })
      this.#replacedByDecision.delete(outcome.id)
      if (line) this.#logger.info(line, { timestamp: true })
    }
  }

  /** Sends `client` the compile error of the first of `brokenFiles` that has one. */
  #sendCompileError(client, brokenFiles) {
    const root = this.root
    const broken = this.compileCheck.errorOf(brokenFiles, root)
    if (broken) client.send({ type: 'custom', event: ERROR_EVENT, data: { err: serializeError(broken.error, root) } })
    return broken
  }

  /** The decision's tabs whose page uses a file that does not compile see it in an overlay. */
  #showCompileError(decision) {
    // Another plugin broadcast the error itself: its overlay is up, and it closes it itself.
    if (decision.errorTabs.length === 0 || decision.errorsShownByFramework) return
    const broken = this.compileCheck.errorOf(decision.brokenFiles, this.root)
    if (!broken) return
    let sent = 0
    for (const tab of decision.errorTabs) {
      const client = this.tabs.clientOf(tab)
      if (!client) continue
      this.#sendCompileError(client, decision.brokenFiles)
      sent++
    }
    this.#logger.error(
      `${colors.yellow('ssr-hmr error overlay')} ${colors.dim(`${broken.file}:`)} failed to compile, shown in ${sent} of ${plural(this.#clientCount(), 'tab')}: ${broken.error?.message ?? broken.error}`,
      { timestamp: true, error: broken.error },
    )
  }

  /**
   * Sockets the core has no tab for: those that have not said which page they show wait for
   * it, and those past the core's tab cap get every refresh of a decision that reaches every
   * tab.
   */
  #reachUnreported(decision, data) {
    for (const client of this.clients()) {
      const tab = this.tabs.tabOf(client)
      if (tab === undefined) this.#holdUntilReported(client, decision, data)
      else if (tab === NO_TAB && decision.reloadAll) client.send({ type: 'custom', event: UPDATE_EVENT, data })
    }
  }

  /**
   * A socket that has not said which page it shows is nearly always a tab still loading: its
   * runtime reports a few ms after the socket connects, often mid-burst. Reloading it at once
   * would cost that tab an extra reload, so what it missed waits for its report and is then
   * sent only if its page is affected. A socket that never reports gets a full reload.
   */
  #holdUntilReported(client, decision, data) {
    let held = this.#unreported.get(client)
    if (!held) {
      held = { data, pages: new Set(), reloadAll: false }
      held.timer = setTimeout(() => {
        this.#unreported.delete(client)
        client.send({ type: 'full-reload', path: '*' })
      }, REPORT_GRACE_MS)
      held.timer.unref?.()
      this.#unreported.set(client, held)
    }
    held.data = data
    held.reloadAll ||= decision.reloadAll
    for (const page of decision.pages) held.pages.add(page)
  }

  /**
   * A tab told us which URL it shows and, for a server-rendered document, the stamp of its
   * render: the core then knows what it shows, and whether it missed a refresh while it had
   * no socket. A known tab reporting again moved on the client, or (with a stamp) now shows
   * the render it morphed to. `strategy`: the one its page picks (`<meta name="ssr-hmr">`), for
   * the log line.
   */
  reportPage(client, url, render, strategy) {
    const known = this.tabs.tabOf(client)
    if (known !== undefined) {
      this.guard('tracking a tab', (core) => {
        core.navigateTab(known, url, render)
        core.setTabStrategy(known, strategy ?? null)
      })
      return
    }
    const tab = this.guard('tracking a tab', (core) => {
      const opened = core.openTab(url, render, performance.now())
      core.setTabStrategy(opened, strategy ?? null)
      return opened
    })
    if (tab === undefined) return
    this.tabs.add(tab, client)
    client.socket?.once?.('close', () => this.forgetTab(client))
    this.#scheduleFlush()
    const held = this.#unreported.get(client)
    if (held) {
      clearTimeout(held.timer)
      this.#unreported.delete(client)
      // With a render stamp the core has decided already; without one, what the socket
      // missed while unreported is sent if its page was affected.
      if (render === undefined && (held.reloadAll || held.pages.has(url))) {
        if (held.data.brokenFiles?.length) this.#sendCompileError(client, held.data.brokenFiles)
        client.send({ type: 'custom', event: UPDATE_EVENT, data: { ...held.data, page: url } })
      }
    }
  }

  forgetTab(client) {
    const tab = this.tabs.remove(client)
    if (tab !== undefined) this.guard('forgetting a tab', (core) => core.closeTab(tab))
  }

  /** A server environment outside Vite's process requested a module (it is re-importing). */
  noteFetch(environment) {
    this.guard('noting a module request', (core) => core.noteFetch(this.nameOf(environment), performance.now()))
    if (this.#flushTimer) this.#scheduleFlush()
  }

  /**
   * A `fetch()` from within the page `url` was answered with `status` and `contentType`: if it
   * is the page's own output, a framework may be updating that page in place (the core's
   * `refetch.rs`).
   */
  notePageRefetch(url, status, contentType) {
    const refetched = this.guard('noting a page re-fetch', (core) =>
      core.onPageRefetch(url, status, contentType, performance.now()),
    )
    if (refetched && this.#flushTimer) this.#scheduleFlush()
  }

  recordPageRoots(url, environmentName, fetched) {
    this.guard('recording page modules', (core) => core.recordPageRoots(url, environmentName, fetched))
  }

  /** An HTML response is sending its headers: its render stamp. */
  beginRender(url, status, location, check) {
    return this.guard('stamping a render', (core) => core.beginRender(url, status, location, check))
  }

  writeRender(render, bytes) {
    this.guard('fingerprinting a render', (core) => core.writeRender(render, bytes))
  }

  /**
   * A render ended; if it answered a check, its tab is told the verdict now, and first the
   * error the render failed with, if Vite had one to broadcast (it went to this tab only).
   */
  endRender(render, complete, error) {
    const json = this.guard('fingerprinting a render', (core) => core.endRender(render, complete, Date.now()))
    if (!json) return
    const effects = JSON.parse(json)
    if (error) {
      for (const { tab } of effects.messages) {
        this.tabs
          .clientOf(tab)
          ?.send({ type: 'custom', event: ERROR_EVENT, data: { err: serializeError(error, this.root) } })
      }
    }
    this.#apply(effects)
    // A check answered: the deadline the flush timer waits for may be gone.
    this.#scheduleFlush()
  }

  /**
   * Registers cleanup to run when the session ends, or (with `server`) when that server leaves
   * it: its listeners and wrappers.
   */
  onDispose(cleanup, server) {
    const member = server && this.#members.find((other) => other.server.config === server.config)
    ;(member ? member.disposers : this.#disposers).push(cleanup)
  }

  /**
   * The server of `environment` closed: it leaves the project, its environments leave the
   * mirror and its tabs are forgotten. The session ends with its last server.
   */
  leave(environment) {
    const member = this.#memberOf(environment)
    if (!member) return
    this.#members.splice(this.#members.indexOf(member), 1)
    for (const cleanup of member.disposers.splice(0)) cleanup()
    member.channel.restore()
    if (this.#members.length === 0) return this.dispose()
    for (const client of member.server.ws.clients) this.forgetTab(client)
    for (const name of member.names.values())
      this.guard('removing an environment', (core) => core.dropEnvironment(name))
    debug(`a dev server left the project at ${this.root}`)
  }

  dispose() {
    if (this.#disposed) return
    this.#disposed = true
    for (const member of this.#members.splice(0)) {
      for (const cleanup of member.disposers.splice(0)) cleanup()
      member.channel.restore()
    }
    for (const cleanup of this.#disposers.splice(0)) cleanup()
    this.#cancelFlush()
    clearImmediate(this.#afterHooksImmediate)
    this.#afterHooksWork.length = 0
    this.#lateWrites.dispose()
    for (const { timer } of this.#heard.values()) clearTimeout(timer)
    this.#heard.clear()
    for (const { timer } of this.#unreported.values()) clearTimeout(timer)
    this.#unreported.clear()
    this.tabs.clear()
    this.#core.reset()
  }

  get disposed() {
    return this.#disposed
  }
}

/** `DEBUG=vite:ssr-hmr`: when a decision came, what it covers, and why each page is affected. */
/**
 * The environment whose hooks run last for a change: Vite runs the client environment's first,
 * then the others in their order, so it is not `.at(-1)` when an app lists `client` last
 * (plugin-rsc's `rsc, ssr, client`).
 */
function lastToRun(environments) {
  const all = Object.values(environments)
  return all.filter((environment) => environment.name !== 'client').at(-1) ?? all.at(-1)
}

function debugDecision(root, decision, work) {
  debug(
    `decision ${decision.action} ${(performance.now() - (work.firstChangeAt ?? performance.now())).toFixed(1)} ms after the first change: ${JSON.stringify(decision.files)}`,
  )
  for (const { file, page, chain } of decision.explanations) {
    debug(`${file} → ${page}: ${chain.map((id) => relative(root, id)).join(' ← ')}`)
  }
}

function relative(root, file) {
  return file.startsWith(root + '/') ? file.slice(root.length + 1) : file
}

/** Vite's error overlay payload, with machine paths made root-relative. */
function serializeError(error, root) {
  const strip = (text) => (typeof text === 'string' ? text.split(root + '/').join('') : text)
  return {
    message: strip(error?.message ?? String(error)),
    stack: strip(error?.stack ?? ''),
    id: strip(error?.id),
    frame: strip(error?.frame),
    plugin: error?.plugin,
    pluginCode: error?.pluginCode,
    loc: error?.loc ? { ...error.loc, file: strip(error.loc.file) } : undefined,
  }
}
