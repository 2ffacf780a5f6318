import { renderToReadableStream } from '@vitejs/plugin-rsc/rsc'
import { Root } from '../root.jsx'
import { parseRenderRequest } from './request.js'

// The `rsc` environment's entry (plugin-rsc serves its default export's `fetch`): the RSC
// payload of the page, as is for a `_.rsc` request, else handed to the `ssr` environment for HTML.
export default { fetch: handler }

async function handler(request) {
  const renderRequest = parseRenderRequest(request)
  const rscStream = renderToReadableStream({ root: <Root pathname={renderRequest.url.pathname} /> })
  if (renderRequest.isRsc) {
    return new Response(rscStream, { headers: { 'content-type': 'text/x-component;charset=utf-8' } })
  }
  const ssrEntry = await import.meta.viteRsc.loadModule('ssr', 'index')
  const ssrResult = await ssrEntry.renderHTML(rscStream)
  return new Response(ssrResult.stream, { status: ssrResult.status, headers: { 'content-type': 'text/html' } })
}

if (import.meta.hot) {
  import.meta.hot.accept()
}
