/// <reference types="vite/client" />
import { HeadContent, Outlet, Scripts, createRootRoute } from '@tanstack/react-router'
import { createServerFn } from '@tanstack/react-start'
import type { ReactNode } from 'react'
import { countLoaderRun } from '../loader-runs'

// The root's own server data, which no edit of a page's data reaches.
const getSite = createServerFn({ method: 'GET' }).handler(() => ({ site: 'ssr-hmr framework tests' }))

export const Route = createRootRoute({
  // Cached, as an app caches what rarely changes: TanStack Router re-runs a loader on
  // `invalidate()` when it is invalidated, or stale (the default staleTime, 0, makes every
  // loader stale, and then every one re-runs whatever the filter).
  staleTime: Infinity,
  loader: () => {
    countLoaderRun('root')
    return getSite()
  },
  head: () => ({
    meta: [{ charSet: 'utf-8' }, { name: 'viewport', content: 'width=device-width, initial-scale=1' }],
  }),
  shellComponent: RootDocument,
  component: Outlet,
})

function RootDocument({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <HeadContent />
      </head>
      <body>
        {children}
        <Scripts />
      </body>
    </html>
  )
}
