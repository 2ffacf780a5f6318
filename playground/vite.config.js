import { defineConfig } from 'vite'
import { ssrHmr } from 'vite-plugin-ssr-hmr'

export default defineConfig({
  plugins: [ssrHmr()],
})
