'use client'

// A client component: rendered by the server (SSR) and hydrated in the browser by both routes.
export function Shared() {
  return <p id="shared">shared v1</p>
}
