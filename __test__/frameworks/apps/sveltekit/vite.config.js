import adapter from '@sveltejs/adapter-node'
import { sveltekit } from '@sveltejs/kit/vite'
import { defineConfig } from 'vite'
import { ssrHmr } from 'vite-plugin-ssr-hmr'

// The tests serve this one app with ssrHmr() before the framework's plugin, after it, or not
// at all: SSR_HMR_POSITION = before | after | none. A user writes one of the three lines.
// Kit 3 takes its configuration here: svelte.config.js is no longer read.
const position = process.env.SSR_HMR_POSITION ?? 'after'
const framework = [sveltekit({ adapter: adapter() })]

export default defineConfig({
  plugins: position === 'none' ? framework : position === 'before' ? [ssrHmr(), ...framework] : [...framework, ssrHmr()],
})
