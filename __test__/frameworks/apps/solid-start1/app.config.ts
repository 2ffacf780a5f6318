import { defineConfig } from '@solidjs/start/config'
import { ssrHmr } from 'vite-plugin-ssr-hmr'

// The tests serve this one app with ssrHmr() before the framework's plugins, after them, or
// not at all: SSR_HMR_POSITION = before | after | none. vinxi reads no vite.config: each of its
// routers (client, ssr, server functions) is its own Vite dev server, configured here. SolidStart
// puts `vite.plugins` ahead of its own (its server-function and solid() plugins,
// @solidjs/start/config/index.js), so `before` is the line a user writes, and `after` puts the
// plugin's objects last with `enforce: 'post'`, the only ordering vinxi's config offers.
const position = process.env.SSR_HMR_POSITION ?? 'after'

export default defineConfig({
  vite: () => ({
    plugins: position === 'none' ? [] : position === 'before' ? ssrHmr() : ssrHmrLast(),
  }),
})

/** ssrHmr()'s plugins after SolidStart's. */
function ssrHmrLast() {
  return ssrHmr().map((plugin) => ({ ...plugin, enforce: 'post' }))
}
