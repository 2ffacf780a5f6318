export function layout({ title, body, head = '' }) {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${title} · ssr-hmr playground</title>
    ${head}
    <link rel="stylesheet" href="/src/style.css" />
  </head>
  <body>
    <nav><a href="/">Home</a> · <a href="/about">About</a></nav>
    <main>${body}</main>
    <script type="module" src="/src/client/entry-client.js"></script>
  </body>
</html>`
}
