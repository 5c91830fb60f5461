#!/usr/bin/env bash
# One command from a fresh clone: set up, build, and run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
# One line per step on stderr; the tools' own output goes to a log, shown only when a step fails.
echo "› build (log: .tools/build.log)" >&2
if ! pnpm exec turbo run build --env-mode=loose --output-logs=errors-only >.tools/build.log 2>&1; then
  tail -n 40 .tools/build.log >&2
  echo "build failed; the whole log is in .tools/build.log" >&2
  exit 1
fi
echo "› demo" >&2
node scripts/demo.mjs
