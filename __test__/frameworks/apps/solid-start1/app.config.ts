import { defineConfig } from '@solidjs/start/config'
import { ssrHmr } from 'vite-plugin-ssr-hmr'

// The tests serve this one app with ssrHmr() before the framework's plugins, after them, or
// not at all: SSR_HMR_POSITION = before | after | none. vinxi reads no vite.config: each of its
// routers (client, ssr, server functions) is its own Vite dev server, configured here, and
// SolidStart puts `vite.plugins` after its own. `before` is the plugin enforced `pre`.
const position = process.env.SSR_HMR_POSITION ?? 'after'

export default defineConfig({
  vite: () => ({
    plugins: position === 'none' ? [] : position === 'before' ? ssrHmrFirst() : ssrHmr(),
  }),
})

/** ssrHmr()'s plugins ahead of SolidStart's: the only way vinxi's config has to order them. */
function ssrHmrFirst() {
  return ssrHmr().map((plugin) => ({ ...plugin, enforce: plugin.enforce ?? 'pre' }))
}
