// Builds the docs site once for all test files, the way scripts/build-docs.sh does, into
// .vitest/site: guides checked against their examples, vertical pages generated from the built
// packages, TypeDoc (warnings as errors), then the markdown and llms.txt export. The outcome is
// recorded, not thrown, so the docs tests can report it.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { buildSite } from "./docs-build.js";
import { siteBuildReport, siteDir } from "./repo.js";

export default function setup() {
  rmSync(siteDir, { recursive: true, force: true });
  mkdirSync(dirname(siteBuildReport), { recursive: true });
  writeFileSync(siteBuildReport, JSON.stringify(buildSite(siteDir), null, 2));
}
