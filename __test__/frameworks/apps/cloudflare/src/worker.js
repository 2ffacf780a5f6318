// A Worker that renders its pages itself. In dev the page loads Vite's client and the
// browser's script from the Vite server, which serves them ahead of the Worker.
import * as about from './routes/about.js'
import * as home from './routes/home.js'

const routes = { '/': home, '/about': about }

const page = (body) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Cloudflare</title>
    ${import.meta.env.DEV ? '<script type="module" src="/@vite/client"></script>' : ''}
  </head>
  <body>
    ${body}
    <script type="module" src="/src/client.js"></script>
  </body>
</html>`

export default {
  async fetch(request) {
    const route = routes[new URL(request.url).pathname]
    if (!route) return new Response(page('<h1 id="title">Not found</h1>'), { status: 404, headers: { 'content-type': 'text/html' } })
    return new Response(page(route.render()), { headers: { 'content-type': 'text/html; charset=utf-8' } })
  },
}
