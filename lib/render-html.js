// Answers a tab's request for the HTML of a render it was served
// (`<base>@id/__ssr-hmr/render/<stamp>`): the base of its three-way patch (client/patch.js).
// The core keeps recent renders' HTML within its bounds (render_bodies.rs); a stamp it did not
// issue, or no longer keeps, is a 404, and the tab reloads instead of patching.
//
// A render may hold what only its requester should see (its cookies made it), so only the
// app's own pages may ask: `Sec-Fetch-Site`, which page scripts cannot set, must say
// `same-origin`. The answer is plain text, never cached, and never a render itself.

import { CONTRACT } from './contract.js'

const RENDER_PATH = CONTRACT.browser.renderPath
const STAMP_RE = /^\d{1,10}$/

/**
 * Whether `req` asks for a render's HTML; if so it is answered here. `base`: the app's
 * `base` (`/`, `/app/`), under which the runtime asks.
 */
export function answerRenderRequest(session, req, res, base) {
  const path = req.url?.split('?', 1)[0] ?? ''
  const at = path.indexOf(RENDER_PATH)
  if (at < 0 || !isBase(path.slice(0, at), base)) return false
  const stamp = path.slice(at + RENDER_PATH.length)
  const html =
    req.headers['sec-fetch-site'] === 'same-origin' && STAMP_RE.test(stamp)
      ? session.guard('reading a render', (core) => core.renderHtml(Number(stamp)))
      : undefined
  res.setHeader('Cache-Control', 'no-store')
  res.setHeader('X-Content-Type-Options', 'nosniff')
  if (!html) {
    res.statusCode = 404
    res.end()
    return true
  }
  res.setHeader('Content-Type', 'text/plain; charset=utf-8')
  res.end(html)
  return true
}

/** `prefix` (what comes before `@id/`) is the app's base: `/` under `/`, `/app/` under `/app/`. */
function isBase(prefix, base) {
  return prefix === (base?.endsWith('/') ? base : `${base ?? ''}/`) || prefix === '/'
}
