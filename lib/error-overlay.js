// The plugin's own error overlay for a server module that does not compile, and the error a
// check's render failed with: which tab sees which error, and the error made fit for the
// browser (machine paths root-relative).

import { EVENTS } from './contract.js'
import { colors, plural } from './logger.js'

/**
 * The compile error of a server module, for the tabs whose page uses it. Not Vite's own
 * `error` payload: Vite's client clears that overlay on the next client update although the
 * server module is still broken, and reloads a page that shows one on its first update, into
 * the page's failing render.
 */
const ERROR_EVENT = EVENTS.error

/** Sends `client` the compile error of the first of `brokenFiles` that has one. */
export function sendCompileError(session, client, brokenFiles) {
  const broken = session.compilation.errorOf(brokenFiles, session.root)
  if (broken) sendError(session, client, broken.error)
  return broken
}

/** Sends `client` an error in the plugin's overlay. */
export function sendError(session, client, error) {
  client.send({ type: 'custom', event: ERROR_EVENT, data: { err: serializeError(error, session.root) } })
}

/** The decision's tabs whose page uses a file that does not compile see it in an overlay. */
export function showCompileError(session, decision) {
  // Another plugin broadcast the error itself: its overlay is up, and it closes it itself.
  if (decision.errorTabs.length === 0 || decision.errorsShownByFramework) return
  const broken = session.compilation.errorOf(decision.brokenFiles, session.root)
  if (!broken) return
  let sent = 0
  for (const tab of decision.errorTabs) {
    const client = session.tabs.clientOf(tab)
    if (!client) continue
    sendCompileError(session, client, decision.brokenFiles)
    sent++
  }
  session.logger.error(
    `${colors.yellow('ssr-hmr error overlay')} ${colors.dim(`${broken.file}:`)} failed to compile, shown in ${sent} of ${plural(session.members.clientCount(), 'tab')}: ${broken.error?.message ?? broken.error}`,
    { timestamp: true, error: broken.error },
  )
}

/** Vite's error overlay payload, with machine paths made root-relative. */
export function serializeError(error, root) {
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
