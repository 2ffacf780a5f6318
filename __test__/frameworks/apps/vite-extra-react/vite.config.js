import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import { ssrHmr } from 'vite-plugin-ssr-hmr'

// The tests serve this one app with ssrHmr() before the framework's plugin, after it, or not
// at all: SSR_HMR_POSITION = before | after | none. A user writes one of the three lines.
const position = process.env.SSR_HMR_POSITION ?? 'after'
const framework = [react()]

export default defineConfig(({ isSsrBuild }) => ({
  plugins: position === 'none' ? framework : position === 'before' ? [ssrHmr(), ...framework] : [...framework, ssrHmr()],
  build: {
    copyPublicDir: !isSsrBuild,
  },
}))
