/**
 * The official MCP conformance suite against a package's real reference server: the bin is
 * started over HTTP with the conformance fixture composed on (`--add-on`), the suite runs one
 * requirement set in one invocation, and the package's specification keeps the resulting
 * scenario table (rewritten with `UPDATE_CONFORMANCE_DOCS=1`, checked otherwise).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startHttpBin } from "./http-bin.js";
import { runOfficialSuite, type OfficialSuiteRequirements, type OfficialSuiteRun } from "./official-suite.js";
import { formatOfficialSuiteSummary, judgeOfficialSuite, officialSuiteTable, type OfficialSuiteVerdict } from "./official-suite-report.js";

/**
 * The `--add-on` reference that composes the conformance fixture onto a reference server.
 * @category Testing
 */
export const CONFORMANCE_FIXTURE_ADD_ON = "@mcp-verticals/core/testing#conformanceFixture";

/**
 * Options for {@link runOfficialSuiteOnBin}.
 * @example
 * ```ts
 * const options: OfficialSuiteOnBinOptions = { bin: "dist/bin.js", packageDir: ".", label: "template" };
 * ```
 * @category Testing
 */
export interface OfficialSuiteOnBinOptions {
  /** The package's built bin (`dist/bin.js`). */
  bin: string;
  /**
   * The package directory: `conformance/expected-failures.yml` is the 2026-07-28 baseline,
   * `conformance/expected-failures.<set>.yml` the one of another set; results go to `conformance/results/`.
   */
  packageDir: string;
  /** Names the package in the summary lines. */
  label: string;
  /** Extra arguments after `--http 0 --add-on …` (e.g. `--state <file>`). */
  args?: string[];
  /** Extra environment for the bin. */
  env?: NodeJS.ProcessEnv;
  /** Requirement sets to run against the one bin process, in order (default: 2026-07-28 only). */
  requirements?: OfficialSuiteRequirements[];
}

/**
 * One requirement set's run against a bin, judged.
 * @example
 * ```ts
 * const { verdict }: JudgedOfficialSuiteRun = result.runs[0]!;
 * ```
 * @category Testing
 */
export interface JudgedOfficialSuiteRun {
  run: OfficialSuiteRun;
  verdict: OfficialSuiteVerdict;
  /** The one-line summary (see `formatOfficialSuiteSummary`). */
  summary: string;
}

/**
 * The suite's runs against a bin.
 * @example
 * ```ts
 * const { runs, summary }: OfficialSuiteOnBin = await runOfficialSuiteOnBin(options);
 * ```
 * @category Testing
 */
export interface OfficialSuiteOnBin {
  /** One per requirement set, in the order asked. */
  runs: JudgedOfficialSuiteRun[];
  /** The runs' summary lines and the bin's start-up time. */
  summary: string;
  /** The bin's stderr (start-up line, serving errors). */
  stderr: string;
}

/**
 * The baseline file of a requirement set in a package.
 * @example
 * ```ts
 * expectedFailuresFile(packageDir, "2025-11-25"); // <packageDir>/conformance/expected-failures.2025-11-25.yml
 * ```
 * @category Testing
 */
export function expectedFailuresFile(packageDir: string, requirements: OfficialSuiteRequirements): string {
  return join(packageDir, "conformance", requirements === "2026-07-28" ? "expected-failures.yml" : `expected-failures.${requirements}.yml`);
}

/**
 * Starts the bin with the conformance fixture, runs each requirement set against it (one suite
 * invocation per set), stops the bin, and judges the runs.
 *
 * @example
 * ```ts
 * const result = await runOfficialSuiteOnBin({ bin: fileURLToPath(new URL("../../dist/bin.js", import.meta.url)), packageDir, label: "finance" });
 * expect(result.runs[0]!.verdict.unexpected).toEqual([]);
 * ```
 * @category Testing
 */
export async function runOfficialSuiteOnBin(options: OfficialSuiteOnBinOptions): Promise<OfficialSuiteOnBin> {
  const started = Date.now();
  const bin = await startHttpBin(options.bin, {
    args: ["--add-on", CONFORMANCE_FIXTURE_ADD_ON, ...(options.args ?? [])],
    ...(options.env ? { env: options.env } : {}),
  });
  const startMs = Date.now() - started;
  const runs: JudgedOfficialSuiteRun[] = [];
  try {
    for (const requirements of options.requirements ?? ["2026-07-28"]) {
      const run = await runOfficialSuite({
        url: bin.url,
        requirements,
        expectedFailuresFile: expectedFailuresFile(options.packageDir, requirements),
        outDir: join(options.packageDir, "conformance", "results", requirements),
      });
      const verdict = judgeOfficialSuite(run);
      runs.push({ run, verdict, summary: formatOfficialSuiteSummary(options.label, run, verdict) });
    }
  } finally {
    await bin.kill();
  }
  return { runs, summary: [...runs.map((judged) => judged.summary), `[conformance ${options.label}] bin start ${startMs} ms`].join("\n"), stderr: bin.stderr() };
}

/**
 * Keeps a generated document in sync: with `UPDATE_CONFORMANCE_DOCS=1` it writes `content` to
 * `file`; otherwise it returns a problem when the file differs (and `undefined` when it matches).
 *
 * @example
 * ```ts
 * expect(syncedDocumentProblem("specification/conformance.md", markdown)).toBeUndefined();
 * ```
 * @category Testing
 */
export function syncedDocumentProblem(file: string, content: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const current = existsSync(file) ? readFileSync(file, "utf8") : undefined;
  if (current === content) return undefined;
  if (env.UPDATE_CONFORMANCE_DOCS === "1") {
    writeFileSync(file, content);
    return undefined;
  }
  return `${file} is ${current === undefined ? "missing" : "out of date"}; regenerate it with UPDATE_CONFORMANCE_DOCS=1 and review the diff`;
}

/**
 * The whole `specification/conformance.md` of a package, from its judged runs (one table per requirement set).
 *
 * @example
 * ```ts
 * const markdown = officialSuiteDocument("Healthcare", "`mcp-healthcare --http 0`", result.runs);
 * ```
 * @category Testing
 */
export function officialSuiteDocument(title: string, server: string, runs: readonly Pick<JudgedOfficialSuiteRun, "run" | "verdict">[]): string {
  const against = `${server} with the conformance fixture composed on (\`--add-on ${CONFORMANCE_FIXTURE_ADD_ON}\`: the diagnostic tools, resources and prompts the suite calls by name, and its Tasks fixtures, next to the server's own extension)`;
  return [
    `# ${title}: official MCP conformance suite`,
    "",
    "<!-- Generated by src/conformance/official-suite.e2e.test.ts from the suite's results (UPDATE_CONFORMANCE_DOCS=1 rewrites it); do not edit by hand. -->",
    "",
    ...runs.flatMap(({ run, verdict }) => [
      `## Requirement set ${run.requirements}`,
      "",
      officialSuiteTable(run, verdict, { server: against, expectedFailuresFile: relativeBaseline(run.requirements) }),
      "",
    ]),
  ].join("\n");
}

const relativeBaseline = (requirements: OfficialSuiteRequirements) => expectedFailuresFile("", requirements).replace(/^[\\/]/, "");
