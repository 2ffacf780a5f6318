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

/** `src/a.js, src/b.js (shared)`: the batch's files, a class named where it is not server-only. */
export function describeFiles(files) {
  const described = [
    ...files.serverOnly,
    ...files.watched.map((file) => `${file} (watched)`),
    ...files.updatedInPlace.map((file) => `${file} (updated in place by another plugin)`),
    ...files.shared.map((file) => `${file} (shared)`),
  ]
  return described.length ? formatList(described) : 'a refresh the tab missed'
}

/** How many server modules a decision invalidated, over every environment. */
export function invalidatedCount(outcome) {
  let count = 0
  for (const n of Object.values(outcome.invalidatedCount)) count += n
  return count
}

// 'auto' tabs refresh in place or by a reload, which each tab logs once done (`refreshedLine`).
// Not "update": Astro's logger rewrites any line holding "hmr update".
const VERBS = { reload: 'reload', morph: 'morph', event: 'event to', auto: 'refresh' }

/**
 * The line a tab on `'auto'` is logged with once it refreshed, saying which way:
 * `ssr-hmr in place /about (vike)`, or `ssr-hmr reload /about (vike did not show the fresh
 * render in place)`.
 */
export function refreshedLine({ page, path, framework }) {
  if (path === 'in-place')
    return `${colors.green('ssr-hmr in place')} ${page}${framework ? colors.dim(` (${framework})`) : ''}`
  const why = framework ? ` (${framework} did not show the fresh render in place)` : ''
  return `${colors.green('ssr-hmr reload')} ${page}${colors.dim(why)}`
}

/**
 * The one line a decision is logged as, once every check of it is answered, in the style of
 * Vite's `hmr update` / `page reload` lines: what the tabs did (by their page's strategy) to how
 * many of the open tabs and on which pages, what changed, the tabs whose page turned out unchanged, how many server
 * modules it invalidated, and how long its own work took. `undefined`: nothing to say (no
 * module invalidated, or only compile errors, which have their own line).
 *
 * @param {object} outcome the core's `Outcome` of a decision
 * @param {{ ms: number, total: number, replaced?: number }} context the plugin's work on the
 *   batch, open tabs, and how many full-reloads of other plugins it replaced
 */
export function outcomeLine(outcome, { ms, total, replaced = 0 }) {
  const invalidated = invalidatedCount(outcome)
  const tail = [
    ...(replaced
      ? [`${replaced === 1 ? "another plugin's full-reload" : `${replaced} full-reloads of other plugins`} replaced`]
      : []),
    ...(invalidated ? [`${plural(invalidated, 'module')} invalidated`] : []),
    `${ms.toFixed(2)} ms`,
  ]
  const files = describeFiles(outcome.files)
  const { refreshedTabs, unchangedTabs } = outcome
  if (outcome.action === 'passthrough' || (refreshedTabs === 0 && unchangedTabs === 0)) {
    if (outcome.files.updatedInPlace.length) {
      return `${colors.green('ssr-hmr in place')} ${colors.dim(`← ${files}`)}: ${['another plugin updated the browser itself', ...tail].join(', ')}`
    }
    if (outcome.errorTabs > 0 || invalidated === 0) return undefined
    const browser = outcome.action === 'passthrough' ? 'browser left to Vite' : 'no open tab shows it'
    return `${colors.green('ssr-hmr server update')} ${colors.dim(`← ${files}`)}, ${[browser, ...tail].join(', ')}`
  }
  const unchanged = `output unchanged in ${plural(unchangedTabs, 'tab')}${pagesOf(outcome.unchanged)}`
  if (refreshedTabs === 0) {
    return `${colors.green('ssr-hmr no refresh')} ${colors.dim(`← ${files}`)}: ${[unchanged, ...tail].join(', ')}`
  }
  const head = `ssr-hmr ${whatTabsDid(outcome, total)}`
  return `${colors.green(head)} ${colors.dim(`← ${files}`)}, ${[...(unchangedTabs ? [unchanged] : []), ...tail].join(', ')}`
}

/**
 * What the refreshed tabs did, each as its page picked (`<meta name="ssr-hmr">`, reported by the
 * tab) or as configured: `morph 1 of 3 tabs (/about)`, `reload 1 (/), morph 1 (/about) of 3 tabs`.
 */
function whatTabsDid(outcome, total) {
  const groups = Object.entries(outcome.refreshedBy ?? {})
  const verb = (strategy) => VERBS[strategy] ?? strategy
  if (groups.length <= 1) {
    const strategy = groups[0]?.[0] ?? outcome.action
    return `${verb(strategy)} ${outcome.refreshedTabs} of ${plural(total, 'tab')}${pagesOf(outcome.refreshed)}`
  }
  const each = groups.map(([strategy, { tabs, pages }]) => `${verb(strategy)} ${tabs}${pagesOf(pages)}`)
  return `${each.join(', ')} of ${plural(total, 'tab')}`
}

function pagesOf(pages) {
  return pages.length ? ` (${formatList(pages)})` : ''
}
