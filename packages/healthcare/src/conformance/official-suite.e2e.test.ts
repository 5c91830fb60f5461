/**
 * Runs the official MCP conformance suite (server mode, `--requirements 2026-07-28`: its scored
 * scenarios plus the not-scored ones, Tasks included) against the real `mcp-healthcare` bin over
 * Streamable HTTP, with the conformance fixture composed on through `--add-on` (the suite calls
 * its diagnostics by name; the serving layer, the server's own lists and its Tasks extension are
 * the vertical's). Runner, fixture and installer: `@mcp-verticals/core/testing`. Known failures:
 * `conformance/expected-failures.yml`, each with its cause. `specification/conformance.md` is
 * the resulting scenario table (checked here; `UPDATE_CONFORMANCE_DOCS=1` rewrites it).
 *
 * Skip with `SKIP_MCP_CONFORMANCE=1` (e.g. offline); skipped automatically off linux-x64.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { officialSuiteDocument, officialSuiteSupported, runOfficialSuiteOnBin, syncedDocumentProblem, type OfficialSuiteOnBin } from "@mcp-verticals/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const packageDir = fileURLToPath(new URL("../..", import.meta.url));
const bin = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));

describe.skipIf(!officialSuiteSupported())("official MCP conformance suite against mcp-healthcare (2026-07-28)", () => {
  const dir = mkdtempSync(join(tmpdir(), "mcp-healthcare-conformance-"));
  let result: OfficialSuiteOnBin;

  beforeAll(async () => {
    result = await runOfficialSuiteOnBin({ bin, packageDir, label: "healthcare", args: ["--state", join(dir, "state.sqlite")] });
    process.stdout.write(`${result.summary}\n`);
  }, 240_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("ran the whole requirement set, Tasks included", () => {
    const { run } = result;
    expect(run.scenarios.length, run.stderr || run.stdout.slice(-2000)).toBeGreaterThanOrEqual(50);
    expect(run.scenarios.filter((scenario) => scenario.scenario.startsWith("tasks-"))).toHaveLength(10);
    expect(run.scenarios.flatMap((scenario) => scenario.checks).length).toBeGreaterThanOrEqual(150);
  });

  it("fails only where expected-failures.yml says so, and that file has no stale entries", () => {
    expect(result.verdict.unexpected, result.stderr.slice(-2000)).toEqual([]);
    expect(result.verdict.stale, "entries in expected-failures.yml that no longer fail").toEqual([]);
    expect(result.run.exitCode, result.run.stdout.slice(-3000)).toBe(0);
  });

  it("passes every serving-layer and Tasks scenario", () => {
    const judged = result.verdict.outcomes.filter((outcome) => outcome.area === "serving layer" || outcome.area === "Tasks (SEP-2663)");
    expect(judged.length).toBeGreaterThanOrEqual(16);
    expect(judged.filter((outcome) => outcome.result !== "pass").map((outcome) => outcome.scenario)).toEqual([]);
  });

  it("keeps specification/conformance.md in sync with the run", () => {
    const document = officialSuiteDocument("Healthcare", "`mcp-healthcare --http 0`", result);
    expect(syncedDocumentProblem(join(packageDir, "specification", "conformance.md"), document)).toBeUndefined();
  });
});
