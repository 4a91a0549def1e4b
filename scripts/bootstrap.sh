#!/usr/bin/env bash
# Sets up a fresh machine (Node >= 20 with npm) to build and test Myelin: installs the pinned pnpm,
# the workspace's dependencies from the lockfile, and — with --browser — Debian's chromium and
# Fashion-MNIST for the tests. Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9
export TURBO_TELEMETRY_DISABLED=1 DENO_NO_UPDATE_CHECK=1

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "bootstrap: installing pnpm $PNPM_VERSION"
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION"
fi

# With --browser (the test run): Debian's chromium for the browser tests, and Fashion-MNIST
# (dataset-fashion-mnist, MIT licence, ~30 MB) for the data loader's and the CNN example's tests.
missing=()
if [ "${1:-}" = "--browser" ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -f /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz ] || missing+=(dataset-fashion-mnist)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing Debian's ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

pnpm install --frozen-lockfile --reporter=silent
