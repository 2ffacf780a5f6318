// The playground: a plain Node server that uses Vite in middleware mode, as SSR frameworks do.
// Run it with `npm run playground` from the repository root.

import { createServer as createHttpServer } from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createServer as createViteServer } from 'vite'

const root = path.dirname(fileURLToPath(import.meta.url))
const port = Number(process.env.PORT ?? 5173)

const httpServer = createHttpServer()
const vite = await createViteServer({
  root,
  configFile: path.join(root, 'vite.config.js'),
  appType: 'custom',
  // The HMR websocket shares this server's port instead of opening Vite's default 24678.
  server: { middlewareMode: true, hmr: { server: httpServer } },
})

httpServer.on('request', (req, res) => {
  vite.middlewares(req, res, async () => {
    try {
      const { render } = await vite.environments.ssr.runner.import('/src/entry-server.js')
      const page = await render(req.url)
      const html = await vite.transformIndexHtml(req.url, page.html)
      res.writeHead(page.status, { 'content-type': 'text/html; charset=utf-8' }).end(html)
    } catch (error) {
      vite.ssrFixStacktrace(error)
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error.stack ?? error))
    }
  })
})

httpServer.listen(port, () => {
  const url = `http://localhost:${httpServer.address().port}/`
  vite.config.logger.info(
    [
      '',
      `  vite-plugin-ssr-hmr playground: ${url}`,
      '',
      `  Open ${url}side-by-side: the home page (three-way patch) and the about page (morph) side by side.`,
      "  Type in the about pane's notes and open its <details>, then edit:",
      '    src/data/messages.js     server-only, used by / only      → only the home pane updates in place (three-way patch)',
      '    src/data/team.js         server-only, used by /about only → only the about pane morphs (typed text survives)',
      '    src/data/site.js         server-only, used by both pages  → home is patched, about morphs, the outer page stays',
      "    src/components/badge.js  shared by both pages             → Vite's own HMR, no reload",
      "    src/client/widget.js     client-only                      → Vite's own HMR",
      '',
    ].join('\n'),
  )
})

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await vite.close()
    httpServer.close()
    process.exit(0)
  })
}
