import { createFromReadableStream, getClientEntryUrl } from '@vitejs/plugin-rsc/ssr'
import React from 'react'
import { renderToReadableStream } from 'react-dom/server.edge'
import { injectRSCPayload } from 'rsc-html-stream/server'

// The `ssr` environment: the RSC payload rendered to HTML, the payload itself inlined for hydration.
export async function renderHTML(rscStream) {
  const [rscStream1, rscStream2] = rscStream.tee()
  let payload
  function SsrRoot() {
    payload ??= createFromReadableStream(rscStream1)
    return React.use(payload).root
  }
  const bootstrapScriptContent = `import(${JSON.stringify(getClientEntryUrl())})`
  let htmlStream
  let status
  try {
    htmlStream = await renderToReadableStream(<SsrRoot />, { bootstrapScriptContent })
  } catch {
    // As the starter: an empty shell, the browser renders the error (its error boundary).
    status = 500
    htmlStream = await renderToReadableStream(
      <html>
        <body>
          <noscript>Internal Server Error: SSR failed</noscript>
        </body>
      </html>,
      { bootstrapScriptContent: `self.__NO_HYDRATE=1;${bootstrapScriptContent}` },
    )
  }
  return { stream: htmlStream.pipeThrough(injectRSCPayload(rscStream2)), status }
}
