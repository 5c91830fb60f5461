// Clears the docs build of an earlier run; the first test file that needs the site builds it
// (see siteBuild in docs-build.ts), so a run of other files (the end-to-end ones) skips TypeDoc.
import { rmSync } from "node:fs";
import { siteBuildReport, siteDir } from "./repo.js";

export default function setup() {
  rmSync(siteDir, { recursive: true, force: true });
  rmSync(siteBuildReport, { force: true });
}
