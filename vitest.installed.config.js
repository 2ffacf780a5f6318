// The suite against the package as installed from its tarballs, with one platform package
// beside it (see __test__/helpers/installed-package.js): `vite-plugin-ssr-hmr` resolves to
// that copy. By default the platform package is the WebAssembly one: `npm test` runs the
// panic-recovery tests this way, `npm run test:wasm` every test file that creates the plugin.
import { defineConfig } from 'vitest/config'
import base from './vitest.config.js'
import { INSTALLED_ENTRY, PLATFORM_PACKAGE } from './__test__/helpers/installed-package.js'

export default defineConfig({
  resolve: {
    alias: [
      { find: /^vite-plugin-ssr-hmr$/, replacement: INSTALLED_ENTRY },
      // A test that reaches into the plugin's own modules (the logger's debug switch) gets the
      // installed copy's, the one the plugin under test uses.
      { find: /^(\.\.\/)+lib\//, replacement: INSTALLED_ENTRY.replace(/index\.js$/, 'lib/') },
    ],
  },
  test: {
    ...base.test,
    name: PLATFORM_PACKAGE,
    globalSetup: ['__test__/helpers/installed-package.js'],
    // These spawn the repository's own processes or apps that link the repository itself (the
    // framework apps), or make their own installs: the alias does not reach them.
    exclude: [
      '__test__/packaging/**',
      '__test__/frameworks/**',
      '__test__/playground.test.js',
      '__test__/bench-smoke.test.js',
      '**/node_modules/**',
    ],
  },
})
