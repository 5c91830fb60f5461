#!/usr/bin/env bash
# Builds the docs site with TypeDoc (packages mode, warnings as errors) into docs-site/.
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm exec typedoc
