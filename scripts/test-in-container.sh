#!/bin/sh
# The release workflow's Linux test, run inside a node:<version>-{bookworm,alpine} container
# (under QEMU for arm64) with the repository mounted and the platform's binary downloaded into
# it: Chromium from the distribution, a fresh `npm install` (esbuild and Rolldown have per-libc,
# per-arch binaries too), then the suite against the installed package ($SSR_HMR_PACKAGE).
# EMULATED=true leaves out the browser tests: Chromium under QEMU is too slow to be meaningful,
# and they run natively on every other platform.
set -eu
if command -v apk >/dev/null; then
  apk add --no-cache chromium >/dev/null
else
  apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
CHROMIUM_PATH="$(command -v chromium || command -v chromium-browser)"
export CHROMIUM_PATH
npm install --no-audit --no-fund
if [ "${EMULATED:-false}" = true ]; then
  npx vitest run --config vitest.installed.config.js --exclude '__test__/browser/**' --exclude '__test__/reliability/random-edits.test.js'
else
  npx vitest run --config vitest.installed.config.js
fi
