// The starter's convention: a `_.rsc` suffix asks for the RSC payload of a page instead of its
// HTML (the browser's re-fetch on navigation and on `rsc:update`).
const URL_POSTFIX = '_.rsc'

export function createRscRenderRequest(urlString) {
  const url = new URL(urlString)
  url.pathname += URL_POSTFIX
  return new Request(url.toString())
}

export function parseRenderRequest(request) {
  const url = new URL(request.url)
  if (url.pathname.endsWith(URL_POSTFIX)) {
    url.pathname = url.pathname.slice(0, -URL_POSTFIX.length)
    return { isRsc: true, request: new Request(url, request), url }
  }
  return { isRsc: false, request, url }
}
