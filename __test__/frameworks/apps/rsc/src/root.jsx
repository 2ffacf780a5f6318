import { About } from './routes/about.jsx'
import { Home } from './routes/home.jsx'

// A tiny router: the page by path name, every route imported statically.
const ROUTES = { '/': Home, '/about': About }

export function Root({ pathname }) {
  const Page = ROUTES[pathname]
  return (
    <html lang="en">
      <head>
        <meta charSet="UTF-8" />
        <title>RSC</title>
      </head>
      <body>{Page ? <Page /> : <h1 id="title">Not found</h1>}</body>
    </html>
  )
}
