// Sums vitest JSON reports of every package into "passed failed" (tests, over all packages).
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";

let passed = 0;
let failed = 0;
const lines = [];
for (const name of readdirSync("packages")) {
  const file = join("packages", name, ".vitest", "results.json");
  if (!existsSync(join("packages", name, "package.json"))) continue;
  if (!existsSync(file)) {
    lines.push(`${name}: no test report`);
    failed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests + (report.numFailedTestSuites ?? 0);
  lines.push(`${name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`);
}
console.error(lines.join("\n"));
console.log(`${passed} ${failed}`);
