#!/usr/bin/env bash
# The whole test suite: build, typecheck, unit + end-to-end tests, package checks on packed
# tarballs, schema freshness, changesets and the docs build. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
export FORCE_COLOR=0
passed=0
failed=0
failures=()
check() {
  local name=$1
  shift
  echo "━━ $name" >&2
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$name"); fi
}

check "build" pnpm exec turbo run build --env-mode=loose --output-logs=errors-only
check "typecheck" pnpm exec turbo run typecheck --env-mode=loose --output-logs=errors-only
rm -f packages/*/.vitest/results.json
pnpm exec turbo run test --continue --env-mode=loose --concurrency=2 --output-logs=full
test_status=$?
counts=$(node scripts/sum-test-results.mjs) || counts="0 1"
read -r tests_passed tests_failed <<<"$counts"
if [ "$test_status" -ne 0 ] && [ "$tests_failed" -eq 0 ]; then
  # A suite that crashed before reporting still counts as a failure.
  tests_failed=1
  failures+=("test run (exit $test_status)")
fi
[ "$tests_failed" -gt 0 ] && failures+=("$tests_failed unit/e2e test(s)")
check "package checks (publint --strict, attw, tarball contents)" pnpm exec turbo run lint:pkg --env-mode=loose --concurrency=1 --output-logs=errors-only
check "changesets" pnpm exec changeset status
check "docs (typedoc, warnings as errors)" bash scripts/build-docs.sh

total_passed=$((tests_passed + passed))
total_failed=$((tests_failed + failed))
if [ "${#failures[@]}" -gt 0 ]; then
  echo "Failed: ${failures[*]}" >&2
fi
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
