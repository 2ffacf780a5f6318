#!/usr/bin/env bash
# `npm run test:node24`: the suites that run real dev servers, browsers and frameworks, again
# under another Node major than the machine's (Node's own binary from the `node` npm package,
# installed once into .tmp/node-<major>). Framework apps already run by the first pass are
# skipped (SSR_HMR_FRAMEWORKS_MIN_NODE): each app runs once per `npm test`, on the oldest
# Node it supports that the run has. Nothing to do when the machine's Node is that major.
#
#   scripts/test-on-node.sh <exact version> [vitest args…]
set -euo pipefail
cd "$(dirname "$0")/.."
version="$1"
shift
major="${version%%.*}"
first_pass_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$first_pass_major" = "$major" ]; then
  echo "test-on-node: the machine's Node is $major already; nothing more to run"
  exit 0
fi

prefix=".tmp/node-$major"
bin="$prefix/node_modules/.bin"
if [ "$("$bin/node" --version 2>/dev/null)" != "v$version" ]; then
  echo "test-on-node: installing Node $version (npm package node@$version) into $prefix"
  rm -rf "$prefix" && mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-audit --no-fund --no-save --loglevel=error "node@$version"
fi
echo "test-on-node: $("$bin/node" --version), first pass was Node $first_pass_major"
PATH="$PWD/$bin:$PATH" SSR_HMR_FRAMEWORKS_MIN_NODE="$((first_pass_major + 1))" \
  node node_modules/vitest/vitest.mjs run "$@"
