// The dev server of the packaging test's throwaway project. It runs from that project, so
// `vite-plugin-ssr-hmr` resolves to the installed tarball, exactly as for a user.

import { createServer as createHttpServer } from 'node:http'
import { createServer as createViteServer } from 'vite'
import { ssrHmr } from 'vite-plugin-ssr-hmr'

const httpServer = createHttpServer()
const vite = await createViteServer({
  configFile: false,
  appType: 'custom',
  logLevel: 'silent',
  plugins: [ssrHmr()],
  server: { middlewareMode: true, hmr: { server: httpServer } },
})
httpServer.on('request', (req, res) => {
  vite.middlewares(req, res, async () => {
    const { render } = await vite.environments.ssr.runner.import('/src/entry-server.js')
    const page = await render(req.url)
    // Vite's client (and with it the plugin's runtime) goes into the page, as in a real app.
    const html = await vite.transformIndexHtml(req.url, page.html)
    res.writeHead(page.status, { 'content-type': 'text/html' }).end(html)
  })
})
httpServer.listen(0, '127.0.0.1', () => {
  const { port } = httpServer.address()
  console.log(JSON.stringify({ origin: `http://127.0.0.1:${port}`, token: vite.config.webSocketToken }))
})
process.on('SIGTERM', async () => {
  await vite.close()
  process.exit(0)
})
