#!/usr/bin/env bash
# Source from the repo root: puts pnpm 12.21.0 on PATH — the machine's when it is that version,
# else a copy installed into .tools/pnpm (no global install, no root needed).
PNPM_VERSION=12.21.0
if [ "$(pnpm -v 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  if [ ! -x .tools/pnpm/node_modules/.bin/pnpm ] || [ "$(.tools/pnpm/node_modules/.bin/pnpm -v)" != "$PNPM_VERSION" ]; then
    echo "› installing pnpm $PNPM_VERSION into .tools/pnpm" >&2
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix .tools/pnpm "pnpm@$PNPM_VERSION" >&2
  fi
  export PATH="$PWD/.tools/pnpm/node_modules/.bin:$PATH"
fi
