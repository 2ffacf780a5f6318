import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'
import { ssrHmr } from 'vite-plugin-ssr-hmr'

// The tests serve this one app with ssrHmr() before the framework's plugin, after it, or not
// at all: SSR_HMR_POSITION = before | after | none. A user writes one of the three lines.
const position = process.env.SSR_HMR_POSITION ?? 'after'
const framework = [vue()]

export default defineConfig(({ isSsrBuild }) => ({
  plugins: position === 'none' ? framework : position === 'before' ? [ssrHmr(), ...framework] : [...framework, ssrHmr()],
  build: {
    copyPublicDir: !isSsrBuild,
  },
}))
