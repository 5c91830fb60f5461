// The standing checks on suite runs built here: a whole run of both sets holds every check, and
// each way a run can fall short (cut off, Tasks missing, a failure no baseline names, a stale
// baseline entry, a failing exit) is reported as a problem, never thrown.
import { describe, expect, it } from "vitest";
import type { OfficialSuiteRun } from "./official-suite.js";
import { judgeOfficialSuite, type OfficialSuiteScenario } from "./official-suite-report.js";
import { officialSuiteFindings } from "./official-suite-checks.js";

const tools = { node: "node", suite: "suite.js", version: "0.0.0-test", cached: true, ms: 0 };
const passing = (scenario: string, checks = 3): OfficialSuiteScenario => ({
  scenario,
  scored: true,
  checks: Array.from({ length: checks }, (_, index) => ({ id: `${scenario}-check-${index}`, status: "SUCCESS" })),
});
const run = (requirements: OfficialSuiteRun["requirements"], scenarios: OfficialSuiteScenario[], extra: Partial<OfficialSuiteRun> = {}): OfficialSuiteRun => ({
  requirements,
  exitCode: 0,
  stdout: "",
  stderr: "",
  scenarios,
  scored: scenarios.map((scenario) => scenario.scenario),
  expectedFailures: [],
  tools,
  suiteMs: 1,
  ...extra,
});
const judged = (...runs: OfficialSuiteRun[]) => runs.map((one) => ({ run: one, verdict: judgeOfficialSuite(one) }));

const tasks = Array.from({ length: 10 }, (_, index) => passing(`tasks-${index}`));
const modernWhole = () => run("2026-07-28", [passing("tools-list"), passing("server-stateless"), ...tasks, ...Array.from({ length: 40 }, (_, index) => passing(`diagnostic-${index}`))]);
const legacyWhole = () =>
  run("2025-11-25", [passing("server-initialize"), passing("ping"), passing("logging-set-level"), passing("resources-subscribe"), ...Array.from({ length: 30 }, (_, index) => passing(`legacy-${index}`))]);

describe("officialSuiteFindings", () => {
  it("finds nothing wrong with whole runs of both sets", () => {
    expect(officialSuiteFindings(judged(modernWhole(), legacyWhole()))).toEqual({
      incomplete: [],
      baselineProblems: [],
      servingLayerAndTasks: { judged: 14, notPassing: [] },
    });
  });

  it("reports a run cut short, missing Tasks and missing 2025-era scenarios", () => {
    const cut = run("2026-07-28", [passing("tools-list"), ...tasks.slice(0, 4)]);
    const legacy = run("2025-11-25", [passing("server-initialize")]);
    const { incomplete } = officialSuiteFindings(judged(cut, legacy));
    expect(incomplete).toEqual([
      "2026-07-28: 5 scenarios, fewer than 50",
      "2026-07-28: 15 checks, fewer than 150",
      "2026-07-28: 4 Tasks scenarios, not 10",
      "2025-11-25: 1 scenarios, fewer than 33",
      "2025-11-25: no ping scenario",
      "2025-11-25: no logging-set-level scenario",
      "2025-11-25: no resources-subscribe scenario",
    ]);
    expect(officialSuiteFindings(judged(modernWhole())).incomplete).toEqual(["2025-11-25: not run"]);
  });

  it("reports failures no baseline names, stale entries and a failing exit, per set; excused ones are listed for the package", () => {
    const modern = modernWhole();
    modern.scenarios[0]!.checks[1] = { id: "tools-list-check-1", status: "FAILURE", errorMessage: "no tools" };
    modern.exitCode = 1;
    const legacy = legacyWhole();
    legacy.scenarios.push({ scenario: "server-sse-polling", scored: true, checks: [{ id: "retry", status: "WARNING" }] });
    legacy.expectedFailures = ["server-sse-polling", "ping:gone"];
    const findings = officialSuiteFindings(judged(modern, legacy));
    expect(findings.baselineProblems).toEqual([
      "2026-07-28: unexpected failure tools-list:tools-list-check-1 [FAILURE] no tools",
      "2026-07-28: the suite exited with 1",
      "2025-11-25: baseline entry no longer fails: ping:gone",
    ]);
    expect(findings.servingLayerAndTasks.notPassing).toEqual(["tools-list: fail", "server-sse-polling: expected failure"]);
    expect(findings.incomplete).toEqual([]);
  });
});
