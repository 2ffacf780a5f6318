// Carrying out what the core decided (`Effects`, from `core.poll` and the calls that act at
// once): the decision's compile-error overlays, each tab's check or update, what sockets that
// have not reported yet will get, the payloads held for the core, and one log line per
// decision whose checks are all answered, with the plugin's own work for it.

import { performance } from 'node:perf_hooks'
import { sendCompileError, showCompileError } from './error-overlay.js'
import { debug, outcomeLine } from './logger.js'

export class EffectsRunner {
  /** @type {import('./dev-session.js').DevSession} */
  #session
  /** The plugin's own work for the pending batch, and when its first change arrived. */
  work = { ms: 0, firstChangeAt: undefined }
  /** The plugin's own work (ms) for each decision not logged yet. */
  #workByDecision = new Map()
  /** Full-reloads of other plugins replaced by each decision not logged yet. */
  #replacedByDecision = new Map()

  constructor(session) {
    this.#session = session
  }

  /** A change reached the hooks now. */
  noteChange() {
    this.work.firstChangeAt ??= performance.now()
  }

  apply({
    decision,
    unreported,
    messages = [],
    outcomes = [],
    payloads = [],
    reloadSockets = [],
    recheckWrites = [],
    replaced,
  }) {
    const session = this.#session
    session.payloads.apply(payloads, (channel) => session.members.channelById(channel))
    session.waitingSockets.reload(reloadSockets)
    session.changes.lateWrites.recheck(recheckWrites)
    if (decision) {
      const work = this.work
      this.work = { ms: 0, firstChangeAt: undefined }
      this.#workByDecision.set(decision.id, work.ms)
      if (replaced) {
        this.#replacedByDecision.set(decision.id, replaced)
        debug(`replaced ${replaced} full-reload(s) another plugin sent for a server-only change`)
      }
      if (debug.enabled) debugDecision(session.root, decision, work)
      showCompileError(session, decision)
      if (unreported) session.waitingSockets.missedDecision(unreported)
    }
    for (const { tab, event, data } of messages) {
      const client = session.tabs.clientOf(tab)
      if (!client) continue
      // A tab of a page whose dependencies are unknown shows the compile error it may be
      // seeing the effect of, instead of reloading into it.
      if (data.brokenFiles?.length) sendCompileError(session, client, data.brokenFiles)
      // Built whole by the core: delivered as it is.
      client.send({ type: 'custom', event, data })
    }
    for (const outcome of outcomes) {
      const ms = this.#workByDecision.get(outcome.id) ?? 0
      this.#workByDecision.delete(outcome.id)
      const line = outcomeLine(outcome, {
        ms,
        total: session.members.clientCount(),
        replaced: this.#replacedByDecision.get(outcome.id) ?? 0,
      })
      this.#replacedByDecision.delete(outcome.id)
      if (line) session.logger.info(line, { timestamp: true })
    }
  }
}

/** `DEBUG=vite:ssr-hmr`: when a decision came, what it covers, and why each page is affected. */
function debugDecision(root, decision, work) {
  debug(
    `decision ${decision.action} ${(performance.now() - (work.firstChangeAt ?? performance.now())).toFixed(1)} ms after the first change: ${JSON.stringify(decision.files)}`,
  )
  for (const { file, page, chain } of decision.explanations) {
    debug(`${file} → ${page}: ${chain.map((id) => relative(root, id)).join(' ← ')}`)
  }
}

export function relative(root, file) {
  return file.startsWith(root + '/') ? file.slice(root.length + 1) : file
}
