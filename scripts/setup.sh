#!/usr/bin/env bash
# Source this from the repo root: puts pnpm 12.21.0 on PATH (scripts/pnpm-path.sh) and installs
# dependencies. Native modules (better-sqlite3) take a prebuilt binary where one can be downloaded
# and compile from source otherwise.
set -euo pipefail
# Without network access to prebuilt binaries or header tarballs, node-gyp compiles against the
# headers the Node install ships.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
source scripts/pnpm-path.sh
log=.tools/install.log
mkdir -p .tools
echo "› pnpm install (log: $log)" >&2
if ! pnpm install --frozen-lockfile --reporter=append-only >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "pnpm install failed; the whole log is in $log" >&2
  return 1 2>/dev/null || exit 1
fi
