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
