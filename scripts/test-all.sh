#!/usr/bin/env bash
# Every check and test: build, lint + format check, type check, then the unit tests in Node (plain
# SIMD and relaxed SIMD builds), Deno and headless Chromium, and the playground's end-to-end tests. Run through `npm test` (which first runs
# scripts/bootstrap.sh --browser).
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 DENO_NO_UPDATE_CHECK=1

step() { printf '\n=== %s ===\n' "$1"; }

step "build"
pnpm exec turbo run build --output-logs=errors-only
step "lint and format (biome)"
pnpm exec biome check --error-on-warnings .
step "type check"
pnpm exec turbo run typecheck --output-logs=errors-only
step "tests: Node (plain SIMD build; and relaxed SIMD via --experimental-wasm-relaxed-simd)"
pnpm exec vitest run --project node --project node-relaxed
step "tests: Deno"
node_modules/.bin/deno run -A node_modules/vitest/vitest.mjs run --project deno
step "tests: headless Chromium"
pnpm exec vitest run --project chromium
step "playground end-to-end: vite preview + Playwright on headless Chromium"
pnpm --filter @myelin/playground e2e
step "all checks and tests passed"
