// The page shell. The server stamps each render; the client stamps each document load into a
// permanent element (data-ssr-hmr-permanent), so a pane shows whether it reloaded or morphed.
export function layout({ title, body, head = '' }) {
  const renderedAt = new Date().toLocaleTimeString('en-GB')
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${title} · ssr-hmr playground</title>
    ${head}
    <link rel="stylesheet" href="/src/style.css" />
  </head>
  <body>
    <nav><a href="/">Home</a> · <a href="/about">About</a> · <a href="/side-by-side" target="_top">Side by side</a></nav>
    <main>${body}</main>
    <p class="stamps">rendered at ${renderedAt} · <span id="loaded" data-ssr-hmr-permanent></span></p>
    <script type="module" src="/src/client/entry-client.js"></script>
  </body>
</html>`
}
