#!/usr/bin/env bash
# Runs a command with pnpm 12.21.0 on PATH, so the root npm scripts (npm run build, docs, bench,
# gen:vertical) work after `npm run demo` without a global pnpm.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pnpm-path.sh
exec "$@"
