/**
 * Runs the official MCP conformance suite (`@modelcontextprotocol/conformance`, server mode) against
 * a server over Streamable HTTP, and reads its results. The suite needs Node >= 22, so
 * `conformance/install.mjs` of this package installs it with a pinned Node 24 from the npm
 * registry into `conformance/.tools/` (git-ignored, installed once for every package, reused).
 * The suite only drives servers by URL: there is no stdio mode for server scenarios.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { readExpectedFailures, type OfficialSuiteCheck, type OfficialSuiteScenario } from "./official-suite-report.js";

/**
 * The requirement sets the pinned suite knows (frozen at each revision's release).
 * @category Testing
 */
export type OfficialSuiteRequirements = "2026-07-28" | "2025-11-25";

/**
 * The installed suite and its runtime.
 * @example
 * ```ts
 * const tools: OfficialSuiteTools = await installOfficialSuite();
 * ```
 * @category Testing
 */
export interface OfficialSuiteTools {
  /** The Node 24 binary that runs the suite. */
  node: string;
  /** The suite's entry script. */
  suite: string;
  /** The suite's package version, e.g. `0.2.0-alpha.12`. */
  version: string;
  /** True when nothing had to be downloaded. */
  cached: boolean;
  ms: number;
}

/**
 * Options for {@link runOfficialSuite}.
 * @example
 * ```ts
 * const options: OfficialSuiteOptions = { url, expectedFailuresFile: "conformance/expected-failures.yml", outDir: "conformance/results" };
 * ```
 * @category Testing
 */
export interface OfficialSuiteOptions {
  /** The server's MCP endpoint, e.g. `http://127.0.0.1:41234/mcp`. */
  url: string;
  /** Requirement set to run (default `2026-07-28`: its scored scenarios plus the not-scored ones, tasks included). */
  requirements?: OfficialSuiteRequirements;
  /** The package's baseline (`server:` list, the suite's own format). */
  expectedFailuresFile: string;
  /** Where the suite writes `<scenario>-<time>/checks.json` (emptied first). */
  outDir: string;
  /** Kills the suite after this long (default 150 s). */
  timeoutMs?: number;
}

/**
 * What one suite run produced.
 * @example
 * ```ts
 * const run: OfficialSuiteRun = await runOfficialSuite({ url, expectedFailuresFile, outDir });
 * ```
 * @category Testing
 */
export interface OfficialSuiteRun {
  requirements: OfficialSuiteRequirements;
  /** The suite's exit code: 0 when the scored scenarios match the baseline (no unexpected failure, no stale entry). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  scenarios: OfficialSuiteScenario[];
  /** The scored scenarios of the requirement set (its `server:` list). */
  scored: string[];
  /** The entries of the expected-failures file. */
  expectedFailures: string[];
  tools: OfficialSuiteTools;
  /** How long the suite itself ran. */
  suiteMs: number;
}

/**
 * Whether the suite can run here: its pinned Node binary serves linux-x64 only; `SKIP_MCP_CONFORMANCE=1` turns it off (e.g. offline).
 * @example
 * ```ts
 * describe.skipIf(!officialSuiteSupported())("official suite", () => {});
 * ```
 * @category Testing
 */
export function officialSuiteSupported(env: NodeJS.ProcessEnv = process.env): boolean {
  return process.platform === "linux" && process.arch === "x64" && env.SKIP_MCP_CONFORMANCE !== "1";
}

/** core's package root, found from the working directory (every package's tests resolve core). */
function corePackageRoot(): string {
  const require = createRequire(join(process.cwd(), "package.json"));
  return dirname(require.resolve("@mcp-verticals/core/package.json"));
}

function run(command: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/**
 * Installs the pinned suite and its Node 24 runtime (once; later calls reuse them). Runs the
 * installer in a child process, so a server in this process keeps serving meanwhile.
 *
 * @example
 * ```ts
 * const { node, suite } = await installOfficialSuite();
 * ```
 * @category Testing
 */
export async function installOfficialSuite(): Promise<OfficialSuiteTools> {
  const root = corePackageRoot();
  const installed = await run(process.execPath, [join(root, "conformance", "install.mjs"), "--quiet"], 300_000);
  if (installed.code !== 0) throw new Error(`conformance tools: install failed (exit ${installed.code}): ${installed.stderr.slice(-2000)}`);
  const tools = JSON.parse(installed.stdout.trim().split("\n").at(-1)!) as Omit<OfficialSuiteTools, "version">;
  const manifest = resolve(dirname(tools.suite), "../package.json");
  return { ...tools, version: (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version };
}

/** The scored server scenarios of a frozen requirement set (its `server:` list). */
function scoredScenarios(suiteEntry: string, requirements: OfficialSuiteRequirements): string[] {
  const file = resolve(dirname(suiteEntry), `../requirements/${requirements}.yaml`);
  const section = /^server:\n((?:\s+-\s+\S+\n)+)/m.exec(readFileSync(file, "utf8"));
  return section ? [...section[1]!.matchAll(/-\s+(\S+)/g)].map((match) => match[1]!) : [];
}

/** Collects `<out>/server-<scenario>-<timestamp>/checks.json`. */
function readResults(dir: string, scored: readonly string[]): OfficialSuiteScenario[] {
  const results: OfficialSuiteScenario[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const match = /^(?:server-)?(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(entry.name);
    const file = join(dir, entry.name, "checks.json");
    if (!match || !existsSync(file)) continue;
    results.push({ scenario: match[1]!, scored: scored.includes(match[1]!), checks: JSON.parse(readFileSync(file, "utf8")) as OfficialSuiteCheck[] });
  }
  return results.sort((a, b) => a.scenario.localeCompare(b.scenario));
}

/**
 * Installs the suite if needed and runs one requirement set against `url` in one invocation.
 * Judge the run with `judgeOfficialSuite`.
 *
 * @example
 * ```ts
 * const run = await runOfficialSuite({ url: bin.url, expectedFailuresFile, outDir });
 * const verdict = judgeOfficialSuite(run);
 * ```
 * @category Testing
 */
export async function runOfficialSuite(options: OfficialSuiteOptions): Promise<OfficialSuiteRun> {
  const tools = await installOfficialSuite();
  const requirements = options.requirements ?? "2026-07-28";
  rmSync(options.outDir, { recursive: true, force: true });
  mkdirSync(options.outDir, { recursive: true });
  const started = Date.now();
  const result = await run(
    tools.node,
    [tools.suite, "server", "--url", options.url, "--requirements", requirements, "--expected-failures", options.expectedFailuresFile, "-o", options.outDir],
    options.timeoutMs ?? 150_000,
  );
  const suiteMs = Date.now() - started;
  const scored = scoredScenarios(tools.suite, requirements);
  return {
    requirements,
    exitCode: result.code,
    stdout: result.stdout,
    stderr: result.stderr,
    scenarios: readResults(options.outDir, scored),
    scored,
    expectedFailures: readExpectedFailures(options.expectedFailuresFile),
    tools,
    suiteMs,
  };
}
