// A Hono app as @hono/vite-dev-server serves it: each route's handler reads its own data
// module; both render the shared label, which the browser renders again (src/client.js).
import { Hono } from 'hono'
import { html } from 'hono/html'
import { about } from './data/about.js'
import { home } from './data/home.js'
import { label } from './shared/label.js'

const page = (title: string, data: string) => html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${title}</title>
  </head>
  <body>
    <h1 id="title">${title}</h1>
    <p id="data">${data}</p>
    <p id="shared">${label()}</p>
    <nav><a href="/">Home</a> <a href="/about">About</a></nav>
    <script type="module" src="/src/client.js"></script>
  </body>
</html>`

const app = new Hono()
app.get('/', (c) => c.html(page('Home', home)))
app.get('/about', (c) => c.html(page('About', about)))

export default app
