import node from '@astrojs/node'
import preact from '@astrojs/preact'
import { defineConfig } from 'astro/config'
import { ssrHmr } from 'vite-plugin-ssr-hmr'

// The tests serve this one app with ssrHmr() before the framework's plugins, after them, or
// not at all: SSR_HMR_POSITION = before | after | none. Astro puts its own Vite plugins first
// and appends `vite.plugins`, then what integrations add: `vite.plugins` lands before
// @astrojs/preact's plugins, an integration listed after preact() lands after them.
const position = process.env.SSR_HMR_POSITION ?? 'after'
const ssrHmrIntegration = { name: 'ssr-hmr', hooks: { 'astro:config:setup': ({ updateConfig }) => updateConfig({ vite: { plugins: [ssrHmr()] } }) } }

export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  integrations: position === 'after' ? [preact(), ssrHmrIntegration] : [preact()],
  vite: { plugins: position === 'before' ? [ssrHmr()] : [] },
})
