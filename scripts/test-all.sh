#!/usr/bin/env bash
# The whole test suite: build, typecheck, unit + end-to-end tests on Node 20, the end-to-end tests
# (*.e2e.test.ts) again on Node 24, package checks on packed tarballs, schema freshness, changesets
# and the docs build. Prints the tests' totals per runtime, then ends with "N passed, N failed"
# over everything.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
# setup.sh runs with errexit; a failing suite below must still reach the totals line.
set +e
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
echo "━━ end-to-end tests on Node 24" >&2
node24_counts=$(node scripts/test-node24.mjs | tail -n 1) || true
read -r node24_passed node24_failed <<<"${node24_counts:-0 1}"
[[ "$node24_passed" =~ ^[0-9]+$ && "$node24_failed" =~ ^[0-9]+$ ]] || { node24_passed=0; node24_failed=1; }
[ "$node24_failed" -gt 0 ] && failures+=("$node24_failed end-to-end test(s) on Node 24")
check "package checks (publint --strict, attw, tarball contents)" pnpm exec turbo run lint:pkg --env-mode=loose --concurrency=1 --output-logs=errors-only
check "changesets" pnpm exec changeset status
check "docs (typedoc, warnings as errors)" bash scripts/build-docs.sh

total_passed=$((tests_passed + node24_passed + passed))
total_failed=$((tests_failed + node24_failed + failed))
if [ "${#failures[@]}" -gt 0 ]; then
  echo "Failed: ${failures[*]}" >&2
fi
echo "Node $(node -p 'process.versions.node'), all tests: $tests_passed passed, $tests_failed failed"
echo "Node 24, end-to-end tests: $node24_passed passed, $node24_failed failed"
echo "Checks (build, typecheck, packages, changesets, docs): $passed passed, $failed failed"
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
