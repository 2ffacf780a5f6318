// Stamping and fingerprinting one response as it streams. Decided once, just before its
// headers go out, from the status and `Content-Type` the app set: an HTML page (or any answer
// to a tab's own fetch of its page) gets a render stamp in `Server-Timing:
// ssr-hmr;desc="<render>"`, and its body streams through the core's fingerprint
// (`html_fingerprint.rs`). The response's `writeHead`, `write` and `end` are wrapped, since
// frameworks write pages in every way Node allows.

import { CONTRACT } from './contract.js'

export const { serverTimingName: SERVER_TIMING_NAME } = CONTRACT.browser

/**
 * Stamps and fingerprints the response if it is HTML (or answers a check, whatever it is: an
 * error page is a verdict too). Decided once, just before the headers go out, from the status
 * and `Content-Type` the app set; the body then streams through the core.
 */
export function watchResponse(session, res, store, pageFetch) {
  const { writeHead, write, end } = res
  let decided = false
  const begin = (statusCode, headers) => {
    if (decided) return
    decided = true
    const contentType = headerOf(headers, 'content-type') ?? res.getHeader('content-type')
    if (store.fetchedFrom !== undefined)
      session.renders.notePageRefetch(store.fetchedFrom, Number(statusCode) | 0, String(contentType ?? ''))
    if (pageFetch === undefined && !String(contentType ?? '').includes('text/html')) return
    const isRedirect = statusCode >= 300 && statusCode < 400
    const location = isRedirect ? String(headerOf(headers, 'location') ?? res.getHeader('location') ?? '') : undefined
    store.render = session.renders.beginRender(store.url, Number(statusCode) | 0, location, pageFetch)
    if (store.render !== undefined) appendServerTiming(res, headers, `${SERVER_TIMING_NAME};desc="${store.render}"`)
  }
  const fingerprint = (chunk, encoding) => {
    if (store.render !== undefined && !store.ended && chunk != null && typeof chunk !== 'function') {
      session.renders.writeRender(store.render, toBytes(chunk, encoding))
    }
  }
  res.writeHead = function (statusCode, ...rest) {
    begin(
      statusCode,
      rest.find((arg) => typeof arg === 'object' && arg !== null),
    )
    return writeHead.call(this, statusCode, ...rest)
  }
  res.write = function (chunk, encoding, callback) {
    if (!res.headersSent) begin(res.statusCode)
    fingerprint(chunk, encoding)
    return write.call(this, chunk, encoding, callback)
  }
  res.end = function (chunk, encoding, callback) {
    if (!res.headersSent) begin(res.statusCode)
    fingerprint(chunk, encoding)
    const result = end.call(this, chunk, encoding, callback)
    if (store.render !== undefined && !store.ended) {
      store.ended = true
      session.renders.endRender(store.render, true, store.error)
    }
    return result
  }
}

/** A header from `writeHead`'s object or flat array argument. */
function headerOf(headers, name) {
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) if (String(headers[i]).toLowerCase() === name) return headers[i + 1]
    return undefined
  }
  if (!headers) return undefined
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key]
  return undefined
}

/** Adds our entry to `Server-Timing`, wherever the app is setting that header. */
function appendServerTiming(res, headers, entry) {
  if (Array.isArray(headers)) {
    headers.push('Server-Timing', entry)
    return
  }
  const key = headers && Object.keys(headers).find((k) => k.toLowerCase() === 'server-timing')
  if (key) headers[key] = [headers[key], entry].flat().join(', ')
  else res.appendHeader('Server-Timing', entry)
}

function toBytes(chunk, encoding) {
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8')
  return chunk instanceof Uint8Array ? chunk : Buffer.from(String(chunk))
}
