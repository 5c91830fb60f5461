/**
 * Runs the official MCP conformance suite (server mode) against the real `mcp-finance` bin over
 * Streamable HTTP, two requirement sets against one process: `2026-07-28` (its scored scenarios
 * plus the not-scored ones, Tasks included) and `2025-11-25` (the stateful 2025 era: initialize,
 * ping, logging, sampling and elicitation during a call, subscriptions). The conformance fixture is
 * composed on through `--add-on`: the suite calls its diagnostics by name, while the serving layer,
 * the server's own lists and its Tasks extension are the package's. Runner, fixture and installer:
 * `@mcp-verticals/core/testing`. Known failures, each with its cause:
 * `conformance/expected-failures.yml` and `conformance/expected-failures.2025-11-25.yml`.
 * `specification/conformance.md` holds the resulting tables (checked here;
 * `UPDATE_CONFORMANCE_DOCS=1` rewrites it).
 *
 * Skip with `SKIP_MCP_CONFORMANCE=1` (e.g. offline); skipped automatically off linux-x64.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { officialSuiteDocument, officialSuiteSupported, runOfficialSuiteOnBin, syncedDocumentProblem, type OfficialSuiteOnBin, type OfficialSuiteRun } from "@mcp-verticals/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const packageDir = fileURLToPath(new URL("../..", import.meta.url));
const bin = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));

describe.skipIf(!officialSuiteSupported())("official MCP conformance suite against mcp-finance (2026-07-28 and 2025-11-25)", () => {
  const dir = mkdtempSync(join(tmpdir(), "mcp-finance-conformance-"));
  let result: OfficialSuiteOnBin;

  beforeAll(async () => {
    result = await runOfficialSuiteOnBin({ bin, packageDir, label: "finance", args: ["--state", join(dir, "state.sqlite")], requirements: ["2026-07-28", "2025-11-25"] });
    process.stdout.write(`${result.summary}\n`);
  }, 240_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("ran both requirement sets whole, Tasks included", () => {
    const [modern, legacy] = result.runs.map(({ run }) => run) as [OfficialSuiteRun, OfficialSuiteRun];
    expect(modern.scenarios.length, modern.stderr || modern.stdout.slice(-2000)).toBeGreaterThanOrEqual(50);
    expect(modern.scenarios.filter((scenario) => scenario.scenario.startsWith("tasks-"))).toHaveLength(10);
    expect(modern.scenarios.flatMap((scenario) => scenario.checks).length).toBeGreaterThanOrEqual(150);
    expect(legacy.scenarios.length, legacy.stderr || legacy.stdout.slice(-2000)).toBeGreaterThanOrEqual(33);
    expect(legacy.scenarios.map((scenario) => scenario.scenario)).toEqual(expect.arrayContaining(["server-initialize", "ping", "logging-set-level", "resources-subscribe"]));
  });

  it("fails only where the expected-failures files say so, and they have no stale entries", () => {
    for (const { run, verdict } of result.runs) {
      expect(verdict.unexpected, `${run.requirements}: ${result.stderr.slice(-2000)}`).toEqual([]);
      expect(verdict.stale, `${run.requirements}: baseline entries that no longer fail`).toEqual([]);
      expect(run.exitCode, `${run.requirements}: ${run.stdout.slice(-3000)}`).toBe(0);
    }
  });

  it("passes every serving-layer and Tasks scenario (but 2025-era SSE polling, which the baseline explains)", () => {
    const judged = result.runs.flatMap(({ verdict }) => verdict.outcomes).filter((outcome) => outcome.area === "serving layer" || outcome.area === "Tasks (SEP-2663)");
    expect(judged.length).toBeGreaterThanOrEqual(20);
    expect(judged.filter((outcome) => outcome.result !== "pass").map((outcome) => `${outcome.scenario}: ${outcome.result}`)).toEqual(["server-sse-polling: expected failure"]);
  });

  it("keeps specification/conformance.md in sync with the run", () => {
    const document = officialSuiteDocument("Finance", "`mcp-finance --http 0`", result.runs);
    expect(syncedDocumentProblem(join(packageDir, "specification", "conformance.md"), document)).toBeUndefined();
  });
});
