import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['__test__/**/*.test.js'],
    // Real dev servers and a real browser: generous per-test limits, never timing assertions.
    testTimeout: 60_000,
    // A real browser and real dev servers on a shared 2-core machine: a test that fails is run
    // once more, and a failure that repeats fails (the reporter marks a retried test). The
    // framework suites re-observe a broken scenario themselves (frameworks/suite.js).
    retry: 1,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
})
