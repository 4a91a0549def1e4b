#!/usr/bin/env bash
# The long local fuzz run (issue 12): the same property-based test files as the regular suite, with
# every property's number of runs multiplied by FUZZ_SCALE (default 20) and a random seed instead of
# the fixed ones. The seed is printed first; to replay a failure, run again with the same seed:
#   FUZZ_SEED=123456 FUZZ_SCALE=20 bash scripts/fuzz-long.sh
# Node only (the regular suite runs these files in Node, Deno and Chromium with the fixed budget).
set -euo pipefail
cd "$(dirname "$0")/.."

export FUZZ_SCALE="${FUZZ_SCALE:-20}"
export FUZZ_SEED="${FUZZ_SEED:-$(( (RANDOM << 15) | RANDOM ))}"
echo "fuzz-long: FUZZ_SEED=$FUZZ_SEED FUZZ_SCALE=$FUZZ_SCALE"

status=0
pnpm exec vitest run --project node \
  packages/tensor/src/fuzz/ \
  packages/nn/src/fuzz.test.ts \
  packages/optim/src/fuzz.test.ts \
  packages/data/src/fuzz.test.ts \
  "$@" || status=$?
echo "fuzz-long: done (FUZZ_SEED=$FUZZ_SEED FUZZ_SCALE=$FUZZ_SCALE)"
exit $status
