#!/usr/bin/env bash
# Source this from the repo root: puts pnpm 12.21.0 on PATH (installed into .tools/ when the
# machine has no matching pnpm, so no global install or root is needed) and installs dependencies.
set -euo pipefail
PNPM_VERSION=12.21.0
# Native modules (better-sqlite3) compile against the headers the Node install ships, since
# neither prebuilt binaries nor header tarballs can be downloaded here.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
export npm_config_build_from_source=true
if [ "$(pnpm -v 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  if [ ! -x .tools/pnpm/node_modules/.bin/pnpm ] || [ "$(.tools/pnpm/node_modules/.bin/pnpm -v)" != "$PNPM_VERSION" ]; then
    echo "› installing pnpm $PNPM_VERSION into .tools/pnpm" >&2
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix .tools/pnpm "pnpm@$PNPM_VERSION" >&2
  fi
  export PATH="$PWD/.tools/pnpm/node_modules/.bin:$PATH"
fi
echo "› pnpm install" >&2
pnpm install --frozen-lockfile --reporter=append-only >&2
