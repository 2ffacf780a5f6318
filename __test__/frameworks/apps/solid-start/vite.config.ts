import { solidStart } from '@solidjs/start/config'
import { defineConfig } from 'vite'
import { ssrHmr } from 'vite-plugin-ssr-hmr'

// The tests serve this one app with ssrHmr() before the framework's plugins, after them, or
// not at all: SSR_HMR_POSITION = before | after | none. A user writes one of the three lines.
// No deployment preset (nitro): SolidStart's own dev server renders in Vite's `ssr` runner.
const position = process.env.SSR_HMR_POSITION ?? 'after'
const framework = [solidStart()]

export default defineConfig({
  plugins:
    position === 'none' ? framework : position === 'before' ? [ssrHmr(), ...framework] : [...framework, ssrHmr()],
})
