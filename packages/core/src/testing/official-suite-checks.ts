/**
 * The standing checks every reference server passes under the official MCP conformance suite, as
 * data rather than assertions: the suite runs against the package's bin for both requirement sets,
 * and each check comes back as the problems it found (none when it holds). A package's test file
 * is then a few `expect`s in whatever test runner it uses, and what the suite must cover is
 * stated here once.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OfficialSuiteRun } from "./official-suite.js";
import { officialSuiteDocument, runOfficialSuiteOnBin, syncedDocumentProblem, type JudgedOfficialSuiteRun, type OfficialSuiteOnBin } from "./official-suite-bin.js";

/**
 * Options for {@link checkOfficialSuite}.
 * @example
 * ```ts
 * const options: OfficialSuiteChecksOptions = { packageDir, title: "Finance", command: "mcp-finance" };
 * ```
 * @category Testing
 */
export interface OfficialSuiteChecksOptions {
  /** The package directory: its `dist/bin.js` is started, `conformance/` holds the baselines, `specification/conformance.md` the tables. */
  packageDir: string;
  /** The package's title in its conformance document, e.g. `Healthcare`. */
  title: string;
  /** The bin's command name, e.g. `mcp-healthcare`: names the server in the document and (without `mcp-`) labels the summary. */
  command: string;
  /** Extra arguments for the bin, after the `--state` file the checks give it. */
  args?: string[];
  /** Extra environment for the bin. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The outcome of each standing check; an empty list (or `undefined`) means the check holds.
 * @example
 * ```ts
 * const checks: OfficialSuiteChecks = await checkOfficialSuite(options);
 * expect(checks.baselineProblems, checks.diagnostics).toEqual([]);
 * ```
 * @category Testing
 */
export interface OfficialSuiteChecks {
  /** The judged runs (2026-07-28, then 2025-11-25) and their summary lines. */
  result: OfficialSuiteOnBin;
  /** What a whole run of both sets lacks (scenario and check counts, the ten Tasks scenarios, the stateful 2025-era scenarios). */
  incomplete: string[];
  /** Per set: failing checks no baseline names, baseline entries that no longer fail, and a non-zero suite exit. */
  baselineProblems: string[];
  /** The serving-layer and Tasks scenarios judged, and those that did not pass (`<scenario>: <result>`), for the package to compare with its own list. */
  servingLayerAndTasks: { judged: number; notPassing: string[] };
  /** Why `specification/conformance.md` differs from the run; `undefined` when in sync (or rewritten under `UPDATE_CONFORMANCE_DOCS=1`). */
  documentProblem: string | undefined;
  /** The tails of the bin's stderr and of each suite run's output: the message to show when a check fails. */
  diagnostics: string;
}

/** The least a whole run of each set holds with the pinned suite; fewer means the run broke off or the suite lost scenarios. */
const WHOLE_RUN = {
  "2026-07-28": { scenarios: 50, checks: 150, tasksScenarios: 10 },
  "2025-11-25": { scenarios: 33, includes: ["server-initialize", "ping", "logging-set-level", "resources-subscribe"] },
} as const;

/**
 * What the judged runs of both requirement sets say about each standing check (pure: no I/O
 * but the document comparison, which {@link checkOfficialSuite} does).
 *
 * @example
 * ```ts
 * const { incomplete, baselineProblems } = officialSuiteFindings(result.runs);
 * ```
 * @category Testing
 */
export function officialSuiteFindings(runs: readonly Pick<JudgedOfficialSuiteRun, "run" | "verdict">[]): Pick<OfficialSuiteChecks, "incomplete" | "baselineProblems" | "servingLayerAndTasks"> {
  const incomplete: string[] = [];
  const find = (requirements: OfficialSuiteRun["requirements"]) => runs.find(({ run }) => run.requirements === requirements)?.run;
  const modern = find("2026-07-28");
  const legacy = find("2025-11-25");
  if (!modern) incomplete.push("2026-07-28: not run");
  else {
    const whole = WHOLE_RUN["2026-07-28"];
    const checks = modern.scenarios.flatMap((scenario) => scenario.checks).length;
    const tasks = modern.scenarios.filter((scenario) => scenario.scenario.startsWith("tasks-")).length;
    if (modern.scenarios.length < whole.scenarios) incomplete.push(`2026-07-28: ${modern.scenarios.length} scenarios, fewer than ${whole.scenarios}`);
    if (checks < whole.checks) incomplete.push(`2026-07-28: ${checks} checks, fewer than ${whole.checks}`);
    if (tasks !== whole.tasksScenarios) incomplete.push(`2026-07-28: ${tasks} Tasks scenarios, not ${whole.tasksScenarios}`);
  }
  if (!legacy) incomplete.push("2025-11-25: not run");
  else {
    const whole = WHOLE_RUN["2025-11-25"];
    const names = new Set(legacy.scenarios.map((scenario) => scenario.scenario));
    if (legacy.scenarios.length < whole.scenarios) incomplete.push(`2025-11-25: ${legacy.scenarios.length} scenarios, fewer than ${whole.scenarios}`);
    for (const name of whole.includes) if (!names.has(name)) incomplete.push(`2025-11-25: no ${name} scenario`);
  }
  const baselineProblems = runs.flatMap(({ run, verdict }) => [
    ...verdict.unexpected.map((entry) => `${run.requirements}: unexpected failure ${entry}`),
    ...verdict.stale.map((entry) => `${run.requirements}: baseline entry no longer fails: ${entry}`),
    ...(run.exitCode === 0 ? [] : [`${run.requirements}: the suite exited with ${run.exitCode}`]),
  ]);
  const judged = runs.flatMap(({ verdict }) => verdict.outcomes).filter((outcome) => outcome.area === "serving layer" || outcome.area === "Tasks (SEP-2663)");
  return {
    incomplete,
    baselineProblems,
    servingLayerAndTasks: { judged: judged.length, notPassing: judged.filter((outcome) => outcome.result !== "pass").map((outcome) => `${outcome.scenario}: ${outcome.result}`) },
  };
}

/**
 * Runs the official suite against the package's built bin (`dist/bin.js`, on a fresh `--state`
 * file) for the 2026-07-28 and 2025-11-25 requirement sets, one bin process for both, and
 * returns each standing check's problems. Never throws for a failing check: it reports it.
 *
 * @example
 * ```ts
 * let checks: OfficialSuiteChecks;
 * beforeAll(async () => {
 *   checks = await checkOfficialSuite({ packageDir: fileURLToPath(new URL("../..", import.meta.url)), title: "Finance", command: "mcp-finance" });
 * }, 240_000);
 * it("fails only where the baselines say so", () => expect(checks.baselineProblems, checks.diagnostics).toEqual([]));
 * ```
 * @category Testing
 */
export async function checkOfficialSuite(options: OfficialSuiteChecksOptions): Promise<OfficialSuiteChecks> {
  const dir = mkdtempSync(join(tmpdir(), `${options.command}-conformance-`));
  try {
    const result = await runOfficialSuiteOnBin({
      bin: join(options.packageDir, "dist", "bin.js"),
      packageDir: options.packageDir,
      label: options.command.replace(/^mcp-/, ""),
      args: ["--state", join(dir, "state.sqlite"), ...(options.args ?? [])],
      ...(options.env ? { env: options.env } : {}),
      requirements: ["2026-07-28", "2025-11-25"],
    });
    const document = officialSuiteDocument(options.title, `\`${options.command} --http 0\``, result.runs);
    return {
      result,
      ...officialSuiteFindings(result.runs),
      documentProblem: syncedDocumentProblem(join(options.packageDir, "specification", "conformance.md"), document),
      diagnostics: [`bin stderr: ${result.stderr.slice(-2000)}`, ...result.runs.map(({ run }) => `${run.requirements} suite: ${run.stderr.slice(-1000)}${run.stdout.slice(-2000)}`)].join("\n"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
