import { qwikCity } from '@builder.io/qwik-city/vite'
import { qwikVite } from '@builder.io/qwik/optimizer'
import { defineConfig } from 'vite'
import { ssrHmr } from 'vite-plugin-ssr-hmr'

// The tests serve this one app with ssrHmr() before the framework's plugins, after them, or
// not at all: SSR_HMR_POSITION = before | after | none. A user writes one of the three lines.
const position = process.env.SSR_HMR_POSITION ?? 'after'
// `trailingSlash: false` (a documented Qwik City option): every app of the suite serves its
// routes as `/` and `/about`; by default Qwik City answers `/about` with a 301 to `/about/`.
const framework = [qwikCity({ trailingSlash: false }), qwikVite()]

export default defineConfig({
  plugins: position === 'none' ? framework : position === 'before' ? [ssrHmr(), ...framework] : [...framework, ssrHmr()],
})
