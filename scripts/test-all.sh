#!/usr/bin/env bash
# Every check and test: build, lint + format check, type check, then the unit tests in Node (plain
# SIMD and relaxed SIMD builds), Deno and headless Chromium, the tarball test (scripts/tarball-test.mjs)
# and the playground's end-to-end tests. Run through `npm test` (which first runs
# scripts/bootstrap.sh --browser).
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 DENO_NO_UPDATE_CHECK=1

step() { printf '\n=== %s ===\n' "$1"; }
# Test output is also collected here, to print one total at the end.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
tests() { "$@" 2>&1 | tee -a "$log"; }

step "build"
pnpm exec turbo run build --output-logs=errors-only
step "lint and format (biome)"
pnpm exec biome check --error-on-warnings .
step "type check"
pnpm exec turbo run typecheck --output-logs=errors-only
step "tests: Node (plain SIMD build; and relaxed SIMD via --experimental-wasm-relaxed-simd)"
tests pnpm exec vitest run --project node --project node-relaxed
step "tests: Deno"
tests node_modules/.bin/deno run -A node_modules/vitest/vitest.mjs run --project deno
step "tests: headless Chromium"
tests pnpm exec vitest run --project chromium
step "tarball test: the packed packages in a fresh npm project (Node, Deno, tsc, Vite)"
tests node scripts/tarball-test.mjs
step "playground end-to-end: vite preview + Playwright on headless Chromium"
tests pnpm --filter @myelin/playground e2e
step "all checks and tests passed"
# vitest prints "Tests  N passed (N)" per run, the e2e runner and the tarball test "N passed, 0 failed".
unit=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '$1 == "Tests" && $3 == "passed" { s += $2 } END { print s + 0 }')
e2e=$(awk '/^[0-9]+ passed, [0-9]+ failed$/ { s += $1 } END { print s + 0 }' "$log")
echo "$((unit + e2e)) passed, 0 failed"
