// Everything the plugin holds for one project: the native core, the tabs, and the dev servers
// it serves (`lib/session-members.js`). The session is the shim's door to the core: every
// call goes through `guard`, the fault policy. What the core decides is carried out by
// `lib/effects.js`, at the deadlines the one timer of `lib/core-driver.js` keeps. A server
// leaves when its environments close; the session ends with its last server, so nothing leaks
// across restarts.

import { AsyncLocalStorage } from 'node:async_hooks'
import { performance } from 'node:perf_hooks'
import { Compilation } from './compilation.js'
import { CoreDriver } from './core-driver.js'
import { createCore, recoverIfUnusable } from './core-recovery.js'
import { ChangeIntake } from './change-intake.js'
import { RenderIntake } from './render-intake.js'
import { EffectsRunner } from './effects.js'
import { HeldPayloads } from './held-payloads.js'
import { isRunnable } from './invalidate.js'
import { colors, debug } from './logger.js'
import { ModuleIndex } from './module-index.js'
import { settleMsOf } from './options.js'
import { SessionMembers } from './session-members.js'
import { TabRegistry } from './tab-registry.js'
import { WaitingSockets } from './waiting-sockets.js'

export class DevSession {
  /** @type {import('./options.js').ResolvedOptions} */ options
  tabs = new TabRegistry()
  members = new SessionMembers()
  driver = new CoreDriver(this)
  effects = new EffectsRunner(this)
  payloads = new HeldPayloads()
  waitingSockets = new WaitingSockets(this)
  compilation = new Compilation(this)
  changes = new ChangeIntake(this)
  renders = new RenderIntake(this)
  #core
  #logger
  #disposed = false
  #disposers = []

  constructor(binding, options, server) {
    this.options = options
    this.root = server.config.root
    this.#logger = server.config.logger
    this.#core = createCore(binding, {
      root: server.config.root,
      quietMs: options.batch.quietMs,
      maxWaitMs: options.batch.maxWaitMs,
      refresh: options.refresh,
      keepFrameworkReloads: options.frameworkReloads === 'keep',
      replaySettleMs: settleMsOf(options.batch),
      // The importer chains behind each decision, for the debug log only.
      explain: debug.enabled,
    })
    /** Every dev request runs in a scope of this: `{ url, check?, fetched, render, … }`. */
    this.requests = new AsyncLocalStorage()
    /** The Vite node behind each module index of the core. */
    this.modules = new ModuleIndex()
    this.join(server)
  }

  /** Adds a dev server to the project (`SessionMembers.join`). */
  join(server) {
    this.members.join(this, server)
  }

  /** One environment of a joining server, named `name` in the core. */
  registerEnvironment(environment, name) {
    const consumer = this.consumerOf(environment)
    this.guard('registering an environment', (core) => {
      if (consumer) core.setEnvironment(name, consumer)
      if (consumer === 'server' && !isRunnable(environment)) core.setOutOfProcess(name)
    })
  }

  /** Whether `server` is one of the project's dev servers (hooks get a proxy: matched by config). */
  serves(server) {
    return !!this.members.ofServer(server)
  }

  /** Whether `server` restarts one of the project's servers (Vite reuses its inline config). */
  restarts(server) {
    return this.members.restarts(server)
  }

  /** The first server still in the project: its logger and its name for the root. */
  get server() {
    return this.members.first?.server
  }

  /** The core's name of one of the project's environments; undefined for any other. */
  nameOf(environment) {
    return this.members.of(environment)?.names.get(environment)
  }

  /** Every environment of the project by its core name. */
  get environments() {
    return this.members.environments
  }

  /** The browser channel of the server an environment belongs to. */
  channelOf(environment) {
    return this.members.of(environment)?.channel
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
      this.driver.reloadEveryTab()
      return undefined
    } finally {
      this.effects.work.ms += performance.now() - started
    }
  }

  /** A call into the core whose answer is effects (a JSON string, or null): carried out now. */
  applyNow(label, call) {
    const json = this.guard(label, call)
    if (json) this.effects.apply(JSON.parse(json))
  }

  /** Some change is still in progress: a decision now could miss its other hooks, or what other plugins send. */
  get busy() {
    return !!this.guard('scheduling', (core) => core.busy())
  }

  /**
   * One environment's hooks for `file` ran. Vite calls them environment by environment; after
   * its server's last one, what that server sends to the browser for the file is its own
   * again. With several servers, each runs its own hooks for the file (each has its watcher):
   * the core's decision waits until every server's did (`server_hooks.rs`).
   */
  hooksRan(environment, file) {
    const member = this.members.of(environment)
    if (environment !== member?.last) return
    member.channel.end(file)
    if (this.members.size < 2) return
    this.guard('noting a server heard', (core) =>
      core.serverHooksRan(member.id, file, this.members.ids, performance.now()),
    )
    this.driver.schedule()
  }

  /** The hook result for one file changed in one server environment (`lib/change-intake.js`). */
  handleServerChange(environment, file, read) {
    return this.changes.server(environment, file, read)
  }

  handleWatchedChange(file) {
    this.changes.watched(file)
  }

  /** A file's content is read now (by a compilation): note it for late writes. */
  noteRead(file) {
    this.changes.lateWrites.noteRead(file)
  }

  /** Resolves once no change waits for a decision or a late write's report, and the last one was carried out (for tests). */
  whenIdle() {
    return this.driver.whenIdle(() => this.changes.lateWrites.pending)
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
    this.driver.schedule()
    this.waitingSockets.reported(client, url, render)
  }

  forgetTab(client) {
    this.waitingSockets.closed(client)
    const tab = this.tabs.remove(client)
    if (tab !== undefined) this.guard('forgetting a tab', (core) => core.closeTab(tab))
  }

  /**
   * Registers cleanup to run when the session ends, or (with `server`) when that server leaves
   * it: its listeners and wrappers.
   */
  onDispose(cleanup, server) {
    const member = server && this.members.ofServer(server)
    ;(member ? member.disposers : this.#disposers).push(cleanup)
  }

  /**
   * The server of `environment` closed: it leaves the project, its environments leave the
   * mirror and its tabs are forgotten. The session ends with its last server.
   */
  leave(environment) {
    const member = this.members.of(environment)
    if (!member) return
    const left = this.members.remove(member)
    for (const cleanup of member.disposers.splice(0)) cleanup()
    member.channel.restore()
    if (left === 0) return this.dispose()
    for (const client of member.server.ws.clients) this.forgetTab(client)
    for (const name of member.names.values())
      this.guard('removing an environment', (core) => core.dropEnvironment(name))
    debug(`a dev server left the project at ${this.root}`)
  }

  dispose() {
    if (this.#disposed) return
    this.#disposed = true
    for (const member of this.members.takeAll()) {
      for (const cleanup of member.disposers.splice(0)) cleanup()
      member.channel.restore()
    }
    for (const cleanup of this.#disposers.splice(0)) cleanup()
    this.driver.dispose()
    this.payloads.clear()
    this.waitingSockets.clear()
    this.tabs.clear()
    this.#core.reset()
  }

  get disposed() {
    return this.#disposed
  }
}
