#!/usr/bin/env bash
# Builds the docs site into docs-site/: guides checked against their examples, the lists of verticals
# checked against the workspace, one page per vertical
# generated from its zod schemas, TypeDoc (packages mode, warnings as errors), then a markdown copy of
# every page plus llms.txt and llms-full.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/docs/sync-examples.mjs --check
node scripts/docs/verticals.mjs --check
node scripts/docs/generate-catalogue.mjs
pnpm exec typedoc
node scripts/docs/export-markdown.mjs
