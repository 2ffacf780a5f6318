// Decisions are logged through Vite's own logger, one line each, so they read like Vite's
// `hmr update` / `page reload` lines; `DEBUG=vite:ssr-hmr` adds importer chains and timings.

import createDebug from 'debug'
import { styleText } from 'node:util'

export const debug = createDebug('vite:ssr-hmr')

const useColor = process.stdout.isTTY && !('NO_COLOR' in process.env)

export const colors = {
  green: (text) => (useColor ? styleText('green', text) : text),
  yellow: (text) => (useColor ? styleText('yellow', text) : text),
  dim: (text) => (useColor ? styleText('dim', text) : text),
}

const MAX_LISTED = 3

export function formatList(items) {
  if (items.length <= MAX_LISTED) return items.join(', ')
  return `${items.slice(0, MAX_LISTED).join(', ')} and ${items.length - MAX_LISTED} more`
}

export function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

/** `src/a.js (server-only), src/b.js (shared)`: each changed file with what it means. */
export function describeFiles(files) {
  const described = []
  for (const [list, label] of [
    [files.serverOnly, 'server-only'],
    [files.watched, 'watched'],
    [files.shared, 'shared'],
  ]) {
    for (const file of list) described.push(`${file} (${label})`)
  }
  return formatList(described)
}

/** How many server modules a decision invalidated, over every environment. */
export function invalidatedCount(decision) {
  let count = 0
  for (const n of Object.values(decision.invalidatedCount)) count += n
  return count
}

/**
 * The one line a decision is logged as, in the style of Vite's `hmr update` and `page reload`
 * lines: what the plugin did, the files and their class, how many server modules it
 * invalidated, which tabs it refreshed, and how long its own work took.
 *
 * @param {object} decision the core's decision
 * @param {{ ms: number, sent?: number, total?: number }} outcome tabs refreshed (none: a
 *   server-side update only) and the plugin's own time on the batch
 */
export function decisionLine(decision, { ms, sent, total }) {
  const refreshed = sent === undefined ? undefined : `${sent} of ${plural(total, 'tab')}${decision.pages.length ? ` (${formatList(decision.pages)})` : ''}`
  const verb = refreshed === undefined ? 'server update' : decision.action
  const details = [
    plural(invalidatedCount(decision), 'module') + ' invalidated',
    refreshed === undefined ? 'browser left to Vite' : `${refreshed} refreshed`,
    `${ms.toFixed(2)} ms`,
  ]
  return `${colors.green(`ssr-hmr ${verb}`)} ${colors.dim(`${describeFiles(decision.files)}:`)} ${details.join(', ')}`
}
