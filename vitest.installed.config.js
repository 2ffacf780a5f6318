// The suite against the package as installed from its tarballs, with one platform package
// beside it (see __test__/helpers/installed-package.js): `vite-plugin-ssr-hmr` resolves to
// that copy. By default the platform package is the WebAssembly one: `npm test` runs the
// panic-recovery tests this way, `npm run test:wasm` every test file that creates the plugin.
import { defineConfig } from 'vitest/config'
import base from './vitest.config.js'
import { INSTALLED_ENTRY, PLATFORM_PACKAGE } from './__test__/helpers/installed-package.js'

export default defineConfig({
  resolve: { alias: { 'vite-plugin-ssr-hmr': INSTALLED_ENTRY } },
  test: {
    ...base.test,
    name: PLATFORM_PACKAGE,
    globalSetup: ['__test__/helpers/installed-package.js'],
    // These spawn the repository's own processes (or make their own installs).
    exclude: ['__test__/packaging/**', '__test__/playground.test.js', '__test__/bench-smoke.test.js', '**/node_modules/**'],
  },
})
