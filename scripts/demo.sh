#!/usr/bin/env bash
# One command from a fresh clone: set up, build, and run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
echo "› build" >&2
pnpm exec turbo run build --env-mode=loose --output-logs=errors-only >&2
node scripts/demo.mjs
