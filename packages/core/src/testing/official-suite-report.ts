/**
 * Judging a run of the official MCP conformance suite against a package's baseline
 * (`conformance/expected-failures.yml`), and the summary line and scenario table a package prints
 * and keeps in its specification.
 */
import { readFileSync } from "node:fs";
import type { OfficialSuiteRun } from "./official-suite.js";

/**
 * One check the suite reported.
 * @example
 * ```ts
 * const check: OfficialSuiteCheck = { id: "tools-list", status: "SUCCESS" };
 * ```
 * @category Testing
 */
export interface OfficialSuiteCheck {
  id: string;
  /** `SUCCESS`, `FAILURE`, `WARNING` (an unmet SHOULD, which the suite's baseline counts as failing), `SKIPPED` or `INFO`. */
  status: string;
  errorMessage?: string;
}

/**
 * The checks of one scenario.
 * @example
 * ```ts
 * const scenario: OfficialSuiteScenario = { scenario: "ping", scored: false, checks: [] };
 * ```
 * @category Testing
 */
export interface OfficialSuiteScenario {
  scenario: string;
  /** Whether the requirement set scores it (its `server:` list); the others are run for visibility. */
  scored: boolean;
  checks: OfficialSuiteCheck[];
}

/**
 * How one scenario came out against the baseline.
 * @example
 * ```ts
 * const outcome: OfficialSuiteOutcome = { scenario: "caching", area: "serving layer", scored: true, result: "pass", checks: 4, excused: [] };
 * ```
 * @category Testing
 */
export interface OfficialSuiteOutcome {
  scenario: string;
  /** What the scenario judges: the serving layer, the fixture's diagnostics, multi-round-trip input, or Tasks. */
  area: "serving layer" | "diagnostics" | "multi-round-trip (SEP-2322)" | "Tasks (SEP-2663)";
  scored: boolean;
  /** `pass`: no failing check; `expected failure`: every failing check is in the baseline; `fail`: otherwise. */
  result: "pass" | "expected failure" | "fail";
  checks: number;
  /** The baseline entries that excused failing checks. */
  excused: string[];
}

/**
 * The verdict on a run.
 * @example
 * ```ts
 * const verdict: OfficialSuiteVerdict = judgeOfficialSuite(run);
 * expect(verdict.unexpected).toEqual([]);
 * ```
 * @category Testing
 */
export interface OfficialSuiteVerdict {
  outcomes: OfficialSuiteOutcome[];
  /** Failing checks the baseline does not name: `<scenario>:<check> [STATUS] message`. */
  unexpected: string[];
  /** Baseline entries that no longer fail (the suite checks this for scored scenarios only; this covers all). */
  stale: string[];
  checksPassed: number;
  checksFailed: number;
  warnings: number;
}

/** Scenarios that judge the serving layer (core's HTTP serving + the SDK + the server's own lists) whatever the diagnostics are. */
const SERVING_LAYER = new Set([
  "server-stateless",
  "dns-rebinding-protection",
  "http-header-validation",
  "http-custom-header-server-validation",
  "caching",
  "server-sse-multiple-streams",
  "server-sse-polling",
  "tools-list",
  "sep-2164-resource-not-found",
  "server-initialize",
  "server-session-lifecycle",
  "ping",
]);

function areaOf(scenario: string): OfficialSuiteOutcome["area"] {
  if (scenario.startsWith("tasks-")) return "Tasks (SEP-2663)";
  if (scenario.startsWith("input-required-")) return "multi-round-trip (SEP-2322)";
  return SERVING_LAYER.has(scenario) ? "serving layer" : "diagnostics";
}

/**
 * Reads the `server:` list of an expected-failures file (a flat YAML list of strings with `#` comments;
 * `- <scenario>` excuses a scenario, `- <scenario>:<check-id>` one check).
 *
 * @example
 * ```ts
 * const entries = readExpectedFailures("conformance/expected-failures.yml");
 * ```
 * @category Testing
 */
export function readExpectedFailures(file: string): string[] {
  const entries: string[] = [];
  let section = "";
  for (const raw of readFileSync(file, "utf8").split("\n")) {
    const line = raw.replace(/\s+#.*$/, "").replace(/^#.*$/, "");
    if (!line.trim()) continue;
    const heading = /^(\w+):\s*(\[\])?\s*$/.exec(line);
    if (heading) {
      section = heading[1]!;
      continue;
    }
    const item = /^\s+-\s+(\S+)\s*$/.exec(line);
    if (!item) throw new Error(`${file}: cannot parse line ${JSON.stringify(raw)}`);
    if (section === "server") entries.push(item[1]!);
  }
  return entries;
}

/** What the suite's baseline logic counts as failing: FAILURE, and WARNING (an unmet SHOULD). */
const failing = (check: OfficialSuiteCheck) => check.status === "FAILURE" || check.status === "WARNING";

/**
 * Judges a run against its baseline: every failing check must be excused, and every entry must still fail.
 *
 * @example
 * ```ts
 * const { unexpected, stale } = judgeOfficialSuite(await runOfficialSuite(options));
 * ```
 * @category Testing
 */
export function judgeOfficialSuite(run: OfficialSuiteRun): OfficialSuiteVerdict {
  const expected = run.expectedFailures;
  const unexpected: string[] = [];
  const outcomes: OfficialSuiteOutcome[] = run.scenarios.map(({ scenario, scored, checks }) => {
    const excused = new Set<string>();
    let unexcused = 0;
    for (const check of checks.filter(failing)) {
      const entry = expected.includes(scenario) ? scenario : expected.includes(`${scenario}:${check.id}`) ? `${scenario}:${check.id}` : undefined;
      if (entry) excused.add(entry);
      else {
        unexcused += 1;
        unexpected.push(`${scenario}:${check.id} [${check.status}] ${check.errorMessage ?? ""}`.trim());
      }
    }
    const result = unexcused > 0 ? "fail" : excused.size > 0 ? "expected failure" : "pass";
    return { scenario, area: areaOf(scenario), scored, result, checks: checks.length, excused: [...excused] };
  });
  const stale = expected.filter((entry) => {
    const [scenario, checkId] = entry.split(":") as [string, string | undefined];
    const result = run.scenarios.find((candidate) => candidate.scenario === scenario);
    if (!result) return true;
    return !result.checks.some((check) => failing(check) && (checkId === undefined || check.id === checkId));
  });
  const all = run.scenarios.flatMap((scenario) => scenario.checks);
  return {
    outcomes,
    unexpected,
    stale,
    checksPassed: all.filter((check) => check.status === "SUCCESS").length,
    checksFailed: all.filter((check) => check.status === "FAILURE").length,
    warnings: all.filter((check) => check.status === "WARNING").length,
  };
}

/**
 * One line for the test output: scenarios and checks passed, failed, expected, per area.
 *
 * @example
 * ```ts
 * process.stdout.write(`${formatOfficialSuiteSummary("healthcare", run, verdict)}\n`);
 * ```
 * @category Testing
 */
export function formatOfficialSuiteSummary(label: string, run: OfficialSuiteRun, verdict: OfficialSuiteVerdict): string {
  const count = (result: OfficialSuiteOutcome["result"], outcomes = verdict.outcomes) => outcomes.filter((outcome) => outcome.result === result).length;
  const areas = [...new Set(verdict.outcomes.map((outcome) => outcome.area))].map((area) => {
    const inArea = verdict.outcomes.filter((outcome) => outcome.area === area);
    return `${area} ${count("pass", inArea)}/${inArea.length}`;
  });
  const scored = verdict.outcomes.filter((outcome) => outcome.scored);
  return (
    `[conformance ${label}] ${run.requirements}: scenarios ${count("pass")} passed, ${count("fail")} failed, ${count("expected failure")} expected failure(s) of ${verdict.outcomes.length} ` +
    `(scored ${count("pass", scored)}/${run.scored.length}; ${areas.join(", ")}); ` +
    `checks ${verdict.checksPassed} passed, ${verdict.checksFailed} failed, ${verdict.warnings} warnings; ` +
    `suite ${run.tools.version} exit ${run.exitCode} in ${run.suiteMs} ms (install ${run.tools.cached ? "cached" : "cold"} ${run.tools.ms} ms)`
  );
}

/**
 * The scenario table a package keeps in its specification (deterministic: no timings).
 *
 * @example
 * ```ts
 * const markdown = officialSuiteTable(run, verdict, { server: "`mcp-template --http 0`" });
 * ```
 * @category Testing
 */
export function officialSuiteTable(run: OfficialSuiteRun, verdict: OfficialSuiteVerdict, options: { server: string; expectedFailuresFile?: string }): string {
  const passed = verdict.outcomes.filter((outcome) => outcome.result === "pass").length;
  const expected = verdict.outcomes.filter((outcome) => outcome.result === "expected failure").length;
  const failed = verdict.outcomes.filter((outcome) => outcome.result === "fail").length;
  const rows = verdict.outcomes.map((outcome) => {
    const result = outcome.result === "expected failure" ? `expected failure (${outcome.excused.map((entry) => `\`${entry}\``).join(", ")})` : outcome.result;
    return `| \`${outcome.scenario}\` | ${outcome.area} | ${outcome.scored ? "yes" : "no"} | ${result} |`;
  });
  return [
    `Checked by \`@modelcontextprotocol/conformance@${run.tools.version} server --requirements ${run.requirements}\` against ${options.server} over Streamable HTTP (the suite drives servers by URL only; it has no stdio mode).`,
    `Scored scenarios are the ones the ${run.requirements} revision requires; the others (extensions such as Tasks, and scenarios still pending in the suite) are run for visibility.`,
    "",
    `**${passed} of ${verdict.outcomes.length} scenarios pass${expected > 0 ? `, ${expected} ${expected === 1 ? "is an expected failure" : "are expected failures"}` : ""}${failed > 0 ? `, ${failed} fail` : ""}**` +
      `${expected > 0 ? ` (each with its cause in \`${options.expectedFailuresFile ?? "conformance/expected-failures.yml"}\`)` : ""}.`,
    "",
    "| Scenario | Judges | Scored | Result |",
    "| --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}
