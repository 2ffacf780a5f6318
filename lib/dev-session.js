// Everything the plugin holds for one dev server: the native core, the tabs, the flush timer.
// A restart creates a new server and so a new session; the old one is disposed when its
// environments close, so nothing leaks across restarts and nothing is global.

import { existsSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { colors, debug, decisionLine, invalidatedCount, plural } from './logger.js'
import { TabRegistry } from './tab-registry.js'
import { invalidateInServer, isRunnable } from './invalidate.js'
import { LateWriteCheck } from './late-writes.js'

export const UPDATE_EVENT = 'ssr-hmr:update'
/** The core lists at most this many (file, page) explanations in a decision. */
const MAX_EXPLANATIONS = 64
/** How long a socket may stay connected without saying which page it shows. */
const REPORT_GRACE_MS = 1000

export class DevSession {
  /** @type {import('vite').ViteDevServer} */ server
  /**
   * This server's environments, kept as they were at start: on a restart Vite copies the
   * new server's fields onto the old server object, and the old session must still know
   * its own environments when they close.
   * @type {Record<string, import('vite').DevEnvironment>}
   */
  environments
  /** @type {import('./options.js').ResolvedOptions} */ options
  tabs = new TabRegistry()
  #core
  #logger
  #flushTimer = null
  #flushing = Promise.resolve()
  #reloadEveryTabPending = false
  /** The plugin's own work for the pending batch, and when its first change arrived. */
  #batchWork = { ms: 0, firstChangeAt: undefined }
  #lateWrites
  #disposed = false
  #disposers = []
  /** @type {Map<number, string>} the page each known tab last reported */
  #pageOfTab = new Map()
  /** Sockets that have not said yet which page they show, with the update they missed. */
  #unreported = new Map()
  /** @type {WeakSet<import('vite').EnvironmentModuleNode>} */ #transformed = new WeakSet()

  constructor(binding, options, server) {
    this.server = server
    this.environments = server.environments
    this.options = options
    this.#lateWrites = new LateWriteCheck(server.watcher)
    this.#logger = server.config.logger
    this.#core = new binding.SsrHmrCore({
      root: server.config.root,
      quietMs: options.batch.quietMs,
      maxWaitMs: options.batch.maxWaitMs,
      refresh: options.refresh,
    })
    for (const environment of Object.values(server.environments)) {
      const consumer = this.consumerOf(environment)
      if (consumer) this.#core.setEnvironment(environment.name, consumer)
    }
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
      this.#reloadEveryTabPending = true
      this.#scheduleFlush()
      return undefined
    } finally {
      this.#batchWork.ms += performance.now() - started
    }
  }

  /** The hook result for one file changed in one server environment. */
  handleServerChange(environment, file) {
    this.#batchWork.firstChangeAt ??= performance.now()
    this.#lateWrites.noteReported(file)
    const change = this.guard('deciding', (core) => core.onServerChange(environment.name, file, performance.now()))
    this.#scheduleFlush()
    if (!change) return undefined
    debug(`(${environment.name}) ${relative(this.server, file)}: ${change.class}, invalidate ${change.invalidate.length}${change.keepViteUpdate ? ', Vite update kept' : ''}`)
    if (change.class !== 'server-only' && change.class !== 'shared') return undefined
    if (change.keepViteUpdate) return undefined
    invalidateInServer(this.server, environment, change.invalidate)
    if (!isRunnable(environment)) {
      // Its runtime lives elsewhere (a worker, another process), out of our reach: it
      // reloads itself on this, fetching what was just invalidated.
      debug(`(${environment.name}) not runnable here: full-reload sent on its channel`)
      environment.hot.send({ type: 'full-reload', triggeredBy: file, path: '*' })
    }
    return []
  }

  handleWatchedChange(file) {
    this.#batchWork.firstChangeAt ??= performance.now()
    this.#lateWrites.noteReported(file)
    this.guard('recording a watched file', (core) => core.onWatchedChange(file, performance.now()))
    this.#scheduleFlush()
  }

  #scheduleFlush() {
    if (this.#disposed) return
    if (this.#flushTimer) clearTimeout(this.#flushTimer)
    const deadline = this.#reloadEveryTabPending ? performance.now() : this.guard('scheduling', (core) => core.nextDeadline())
    if (deadline == null) return
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = null
      // A failed flush must not stop every later one: log it and keep the chain going.
      this.#flushing = this.#flushing.then(() => this.#flush()).catch((error) => {
        this.#logger.error(colors.yellow(`[ssr-hmr] acting on a change failed: ${error?.message ?? error}`), { timestamp: true, error })
      })
    }, Math.max(0, deadline - performance.now()))
    this.#flushTimer.unref?.()
  }

  async #flush() {
    if (this.#disposed) return
    if (this.#reloadEveryTabPending) {
      this.#reloadEveryTabPending = false
      this.server.ws.send({ type: 'full-reload', path: '*' })
      this.#logger.info(colors.green('ssr-hmr ') + 'page reload (every tab, after an internal error)', { timestamp: true })
    }
    const json = this.guard('flushing', (core) => core.flush(performance.now()))
    if (json === undefined) return
    if (json === null) return this.#scheduleFlush()
    const decision = JSON.parse(json)
    const work = this.#batchWork
    this.#batchWork = { ms: 0, firstChangeAt: undefined }
    debug(`decision ${decision.action} ${(performance.now() - (work.firstChangeAt ?? performance.now())).toFixed(1)} ms after the first change: ${JSON.stringify(decision.files)}`)
    this.#lateWrites.actedOn(filesOf(decision, this.server.config.root))
    if (decision.action === 'passthrough') {
      this.#logServerUpdate(decision, work.ms)
      return this.#scheduleFlush()
    }
    const checkStarted = performance.now()
    const broken = await this.#compileServerOnly(decision)
    const checkMs = performance.now() - checkStarted
    debug(`compile check of ${plural(decision.files.serverOnly.length, 'server-only file')}: ${checkMs.toFixed(1)} ms`)
    if (this.#disposed) return
    const rest = broken.size > 0 ? this.#showCompileErrors(decision, broken) : decision
    if (rest) this.#carryOut(rest, work.ms + checkMs)
    this.#scheduleFlush()
  }

  /** Resolves once no change waits for a decision and the last one was carried out (for tests). */
  async whenIdle() {
    for (;;) {
      await this.#flushing
      if (!this.#flushTimer || this.#disposed) return
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }

  /** A decision that refreshes no tab may still have updated the server (a shared file). */
  #logServerUpdate(decision, workMs) {
    if (invalidatedCount(decision) === 0) return
    this.#logger.info(decisionLine(decision, { ms: workMs }), { timestamp: true })
  }

  /**
   * Transforms the changed server-only modules before any tab refreshes, so a syntax error
   * shows Vite's overlay in the tabs whose page uses the broken file instead of reloading
   * them into a 500 page. Returns the files that failed, with their errors.
   */
  async #compileServerOnly(decision) {
    const root = this.server.config.root
    /** @type {Map<string, unknown>} */
    const broken = new Map()
    for (const relativeFile of decision.files.serverOnly) {
      const file = path.resolve(root, relativeFile)
      if (!existsSync(file)) continue
      for (const environment of Object.values(this.environments)) {
        if (this.consumerOf(environment) !== 'server' || broken.has(relativeFile)) continue
        for (const mod of environment.moduleGraph.getModulesByFile(file) ?? []) {
          // Only what Vite transformed before: a file a `?raw` import watches is a graph
          // node too, and transforming `notes.md` as code would "fail" for no reason.
          if (!this.#transformed.has(mod)) continue
          try {
            await environment.transformRequest(mod.url)
          } catch (error) {
            broken.set(relativeFile, error)
            break
          }
          // That transform filled Vite's cache, which tells a runner refreshing through the
          // fetch protocol (ssrLoadModule's, or any without HMR) that its copy is current.
          // Soft-invalidate it again: the next fetch re-evaluates, reusing this result.
          environment.moduleGraph.invalidateModule(mod, new Set(), undefined, false, true)
        }
      }
    }
    return broken
  }

  /**
   * Shows the first compile error in the tabs whose page uses a broken file, and returns the
   * decision for the other tabs (still to refresh), or `undefined` when none is left. Which
   * page uses which file comes from the decision's explanations; when they were capped, or a
   * tab's page is unknown, the tab gets the overlay (it may use a broken file).
   */
  #showCompileErrors(decision, broken) {
    const root = this.server.config.root
    const explained = decision.explanations.length < MAX_EXPLANATIONS
    const brokenPages = new Set(decision.explanations.filter(({ file }) => broken.has(file)).map(({ page }) => page))
    const overlaid = []
    const refreshed = []
    for (const tab of decision.tabs) {
      const page = this.#pageOfTab.get(tab)
      const usesBroken = !explained || decision.reloadAll || page === undefined || brokenPages.has(page)
      ;(usesBroken ? overlaid : refreshed).push(tab)
    }
    const [file, error] = broken.entries().next().value
    const sent = this.#sendToTabs({ ...decision, reloadAll: false, tabs: overlaid }, { type: 'error', err: serializeError(error, root) })
    this.#logger.error(
      `${colors.yellow('ssr-hmr error overlay')} ${colors.dim(`${file}:`)} failed to compile, shown in ${sent} of ${plural(this.server.ws.clients.size, 'tab')}: ${error?.message ?? error}`,
      { timestamp: true, error },
    )
    if (refreshed.length === 0) return undefined
    return { ...decision, tabs: refreshed, pages: decision.pages.filter((page) => !brokenPages.has(page)) }
  }

  /** Vite transformed this module (the graph-mirror plugin saw it): it is code, not a watched file. */
  markTransformed(mod) {
    this.#transformed.add(mod)
  }

  #carryOut(decision, workMs) {
    const data = {
      strategy: decision.action,
      reason: decision.files.serverOnly.length > 0 ? 'server-only' : 'watched',
      files: decision.files,
      pages: decision.pages,
      reloadAll: decision.reloadAll,
      timestamp: Date.now(),
    }
    const sent = this.#sendToTabs(decision, { type: 'custom', event: UPDATE_EVENT, data })
    const total = this.server.ws.clients.size
    this.#logger.info(decisionLine(decision, { ms: workMs, sent, total }), { timestamp: true })
    for (const { file, page, chain } of decision.explanations) {
      debug(`${file} → ${page}: ${chain.map((id) => relative(this.server, id)).join(' ← ')}`)
    }
  }

  /** Sends to the decision's tabs; sockets that have not said which page they show wait for it. */
  #sendToTabs(decision, payload) {
    const targets = new Set(decision.reloadAll ? this.server.ws.clients : [])
    for (const tab of decision.tabs) {
      const client = this.tabs.clientOf(tab)
      if (client) targets.add(client)
    }
    let sent = 0
    for (const client of this.server.ws.clients) {
      if (this.tabs.tabOf(client) === undefined) {
        if (payload.type === 'custom') this.#holdUntilReported(client, decision, payload)
        else client.send(payload)
        sent++
      } else if (targets.has(client)) {
        client.send(payload)
        sent++
      }
    }
    return sent
  }

  /**
   * A socket that has not said which page it shows is nearly always a tab still loading: its
   * runtime reports a few ms after the socket connects, often mid-burst. Reloading it at once
   * would cost that tab an extra reload, so what it missed waits for its report and is then
   * sent only if its page is affected. A socket that never reports gets a full reload.
   */
  #holdUntilReported(client, decision, payload) {
    let held = this.#unreported.get(client)
    if (!held) {
      held = { payload, pages: new Set(), reloadAll: false }
      held.timer = setTimeout(() => {
        this.#unreported.delete(client)
        client.send({ type: 'full-reload', path: '*' })
      }, REPORT_GRACE_MS)
      held.timer.unref?.()
      this.#unreported.set(client, held)
    }
    held.payload = payload
    held.reloadAll ||= decision.reloadAll
    for (const page of decision.pages) held.pages.add(page)
  }

  /** A tab told us which URL it shows. */
  reportPage(client, url) {
    const known = this.tabs.tabOf(client)
    if (known !== undefined) {
      this.guard('tracking a tab', (core) => core.navigateTab(known, url))
      this.#pageOfTab.set(known, url)
      return
    }
    const tab = this.guard('tracking a tab', (core) => core.openTab(url))
    if (tab === undefined) return
    this.tabs.add(tab, client)
    this.#pageOfTab.set(tab, url)
    client.socket?.once?.('close', () => this.forgetTab(client))
    const held = this.#unreported.get(client)
    if (held) {
      clearTimeout(held.timer)
      this.#unreported.delete(client)
      if (held.reloadAll || held.pages.has(url)) client.send(held.payload)
    }
  }

  forgetTab(client) {
    const tab = this.tabs.remove(client)
    if (tab !== undefined) this.#pageOfTab.delete(tab)
    if (tab !== undefined) this.guard('forgetting a tab', (core) => core.closeTab(tab))
  }

  recordPageRoots(url, environmentName, roots) {
    this.guard('recording page modules', (core) => core.recordPageRoots(url, environmentName, roots))
  }

  /** Registers cleanup (listeners, wrappers) to run when the session ends. */
  onDispose(cleanup) {
    this.#disposers.push(cleanup)
  }

  dispose() {
    if (this.#disposed) return
    this.#disposed = true
    for (const cleanup of this.#disposers.splice(0)) cleanup()
    if (this.#flushTimer) clearTimeout(this.#flushTimer)
    this.#flushTimer = null
    this.#lateWrites.dispose()
    for (const { timer } of this.#unreported.values()) clearTimeout(timer)
    this.#unreported.clear()
    this.#pageOfTab.clear()
    this.tabs.clear()
    this.#core.reset()
  }

  get disposed() {
    return this.#disposed
  }
}

/** Absolute paths of every file a decision is about. */
function filesOf(decision, root) {
  const { serverOnly, shared, clientOnly, watched } = decision.files
  return [...serverOnly, ...shared, ...clientOnly, ...watched].map((file) => path.resolve(root, file))
}

function relative(server, file) {
  const root = server.config.root
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
