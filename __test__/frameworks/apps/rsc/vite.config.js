import react from '@vitejs/plugin-react'
import rsc from '@vitejs/plugin-rsc'
import { defineConfig } from 'vite'
import { ssrHmr } from 'vite-plugin-ssr-hmr'

// The tests serve this one app with ssrHmr() before the framework's plugins, after them, or not
// at all: SSR_HMR_POSITION = before | after | none. A user writes one of the three lines.
const position = process.env.SSR_HMR_POSITION ?? 'after'
// As plugin-rsc's examples/starter: rsc() serves the `rsc` environment's `index` entry (its
// default export's `fetch`), react() gives the client components Fast Refresh.
const framework = [rsc(), react()]

export default defineConfig({
  plugins: position === 'none' ? framework : position === 'before' ? [ssrHmr(), ...framework] : [...framework, ssrHmr()],
  environments: {
    rsc: { build: { rollupOptions: { input: { index: './src/framework/entry.rsc.jsx' } } } },
    ssr: { build: { rollupOptions: { input: { index: './src/framework/entry.ssr.jsx' } } } },
    client: { build: { rollupOptions: { input: { index: './src/framework/entry.browser.jsx' } } } },
  },
})
