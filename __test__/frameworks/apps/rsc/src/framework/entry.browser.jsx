import { createFromFetch, createFromReadableStream } from '@vitejs/plugin-rsc/browser'
import React from 'react'
import { createRoot, hydrateRoot } from 'react-dom/client'
import { rscStream } from 'rsc-html-stream/client'
import { createRscRenderRequest } from './request.js'

// As the starter: hydrate the inlined RSC payload, re-fetch it on navigation and on the
// server's `rsc:update` (its server HMR), and render it in place.
async function main() {
  let setPayload
  const initialPayload = await createFromReadableStream(rscStream)

  function BrowserRoot() {
    const [payload, setPayload_] = React.useState(initialPayload)
    React.useEffect(() => {
      setPayload = (v) => React.startTransition(() => setPayload_(v))
    }, [setPayload_])
    React.useEffect(() => listenNavigation(() => fetchRscPayload()), [])
    return payload.root
  }

  async function fetchRscPayload() {
    const payload = await createFromFetch(fetch(createRscRenderRequest(window.location.href)))
    setPayload(payload)
  }

  const browserRoot = (
    <React.StrictMode>
      <BrowserRoot />
    </React.StrictMode>
  )
  if ('__NO_HYDRATE' in globalThis) createRoot(document).render(browserRoot)
  else hydrateRoot(document, browserRoot)

  if (import.meta.hot) {
    import.meta.hot.on('rsc:update', () => {
      fetchRscPayload()
    })
  }
}

function listenNavigation(onNavigation) {
  window.addEventListener('popstate', onNavigation)
  const pushState = window.history.pushState
  window.history.pushState = function (...args) {
    const result = pushState.apply(this, args)
    onNavigation()
    return result
  }
  function onClick(e) {
    const link = e.target.closest('a')
    if (link && link.origin === location.origin && e.button === 0 && !e.metaKey && !e.ctrlKey && !e.altKey && !e.shiftKey && !e.defaultPrevented) {
      e.preventDefault()
      history.pushState(null, '', link.href)
    }
  }
  document.addEventListener('click', onClick)
  return () => {
    document.removeEventListener('click', onClick)
    window.removeEventListener('popstate', onNavigation)
    window.history.pushState = pushState
  }
}

main()
