// What a tab's runtime says about its tab (`ssr-hmr:page`) and how it refreshed
// (`ssr-hmr:refreshed`), checked before the core or the log hears of it: browser messages are
// untrusted.

import { CONTRACT } from './contract.js'

const STRATEGIES = new Set(CONTRACT.browser.strategies)
export const MAX_URL_LENGTH = 2048
const MAX_RENDER = 0xffffffff
const REFRESH_PATHS = new Set(['in-place', 'reload'])
/** A framework part's name (client/frameworks/): it ends up in a log line. */
const FRAMEWORK_NAME_RE = /^[a-z][a-z0-9-]{0,39}$/

/**
 * The page message's fields, each valid or undefined; undefined for a message without a valid
 * URL.
 * @returns {{ url: string, render?: number, strategy?: string } | undefined}
 */
export function pageMessageOf(data) {
  const url = validPageUrl(data)
  if (url === undefined) return undefined
  return { url, render: validRender(data.render), strategy: validStrategy(data.strategy) }
}

/**
 * The refreshed message's fields; undefined for one without a valid page and path.
 * @returns {{ page: string, path: 'in-place' | 'reload', framework?: string } | undefined}
 */
export function refreshedMessageOf(data) {
  const page = validPageUrl({ url: data?.page })
  if (page === undefined || !REFRESH_PATHS.has(data?.path)) return undefined
  const framework = FRAMEWORK_NAME_RE.test(data.framework) ? data.framework : undefined
  return { page, path: data.path, framework }
}

/**
 * Browser messages are untrusted: only a bounded, same-origin path is accepted, without
 * control characters (it ends up in the terminal's log lines). Memory stays bounded however
 * many arrive: a socket is one tab whose URL a message replaces, and the core caps tabs
 * and pages.
 */
export function validPageUrl(data) {
  const url = data?.url
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_URL_LENGTH) return undefined
  if (url[0] !== '/' || url.startsWith('//') || hasControlCharacter(url)) return undefined
  return url
}

/** The render stamp a tab reports, if it is one the core could have handed out. */
function validRender(render) {
  return Number.isSafeInteger(render) && render >= 1 && render <= MAX_RENDER ? render : undefined
}

/** The strategy a tab's page picks (`<meta name="ssr-hmr">`), if it is one. */
function validStrategy(strategy) {
  return STRATEGIES.has(strategy) ? strategy : undefined
}

/** A C0 control character or DEL: never in a URL a browser sends. */
function hasControlCharacter(text) {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || code === 0x7f) return true
  }
  return false
}
