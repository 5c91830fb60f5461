/**
 * Runs the official MCP conformance suite (`@modelcontextprotocol/conformance`, server mode,
 * `--requirements 2026-07-28`) against the template reference server over Streamable HTTP.
 *
 * The suite needs Node >= 22, so `conformance/install.mjs` installs it together with a Node 24
 * binary from the npm registry into `conformance/.tools/` (git-ignored, reused when present).
 * Known failures live in `conformance/expected-failures.yml`, each with its reason; the suite
 * itself fails the run on an unexpected failure *and* on a stale entry.
 *
 * Skip with `SKIP_MCP_CONFORMANCE=1` (e.g. offline); it is skipped automatically off linux-x64,
 * the only platform the pinned Node binary package serves.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { serveHttp, type RunningHttpServer } from "@mcp-verticals/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEMPLATE_EXTENSION_ID } from "../extension.js";
import { TEMPLATE_SERVER_INFO } from "../server.js";
import { createConformanceFixture, createFixtureState } from "./fixture-server.js";

const here = dirname(fileURLToPath(import.meta.url));
const conformanceDir = resolve(here, "../../conformance");
const installer = join(conformanceDir, "install.mjs");
const expectedFailuresFile = join(conformanceDir, "expected-failures.yml");
const resultsRoot = join(conformanceDir, "results");

/** Scenarios that judge the serving layer (core's `serveHttp` + the SDK) whatever the tools are. */
const SERVING_LAYER_SCENARIOS = [
  "server-stateless",
  "dns-rebinding-protection",
  "http-header-validation",
  "caching",
  "tools-list",
  "sep-2164-resource-not-found",
];
/** The suite ran for real: the 2026-07-28 set emits well over this many checks. */
const MIN_CHECKS = 150;

interface Check {
  id: string;
  status: "SUCCESS" | "FAILURE" | "WARNING" | "SKIPPED" | "INFO" | string;
  errorMessage?: string;
}
interface ScenarioResult {
  scenario: string;
  checks: Check[];
}

/** Reads the `server:` list of the expected-failures file (a flat YAML list of strings with `#` comments). */
function readExpectedFailures(file: string): string[] {
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
    if (!item) throw new Error(`expected-failures.yml: cannot parse line ${JSON.stringify(raw)}`);
    if (section === "server") entries.push(item[1]!);
  }
  return entries;
}

/** The scored server scenarios of the suite's frozen 2026-07-28 requirement set (its `server:` list). */
function scoredScenarios(suiteEntry: string): string[] {
  const file = resolve(dirname(suiteEntry), "../requirements/2026-07-28.yaml");
  const section = /^server:\n((?:\s+-\s+\S+\n)+)/m.exec(readFileSync(file, "utf8"));
  return section ? [...section[1]!.matchAll(/-\s+(\S+)/g)].map((match) => match[1]!) : [];
}

/** Collects `<out>/server-<scenario>-<timestamp>/checks.json`. */
function readResults(dir: string): ScenarioResult[] {
  const results: ScenarioResult[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const match = /^(?:server-)?(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(entry.name);
    const file = join(dir, entry.name, "checks.json");
    if (!match || !existsSync(file)) continue;
    results.push({ scenario: match[1]!, checks: JSON.parse(readFileSync(file, "utf8")) as Check[] });
  }
  return results.sort((a, b) => a.scenario.localeCompare(b.scenario));
}

/** What the suite's baseline logic counts as failing: FAILURE, and WARNING (an unmet SHOULD). */
const failing = (check: Check) => check.status === "FAILURE" || check.status === "WARNING";

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

const supported = process.platform === "linux" && process.arch === "x64" && process.env.SKIP_MCP_CONFORMANCE !== "1";

describe.skipIf(!supported)("official MCP conformance suite (server, --requirements 2026-07-28)", () => {
  let tools: { node: string; suite: string; cached: boolean; ms: number };
  let running: RunningHttpServer;
  let outDir: string;
  let suiteRun: { code: number | null; stdout: string; stderr: string };
  let results: ScenarioResult[];
  let expected: string[];

  beforeAll(async () => {
    // Async on purpose: the fixture server below shares this process, so nothing may block the loop.
    const { stdout } = await promisify(execFile)(process.execPath, [installer, "--quiet"], { timeout: 170_000, maxBuffer: 16 * 1024 * 1024 });
    tools = JSON.parse(stdout.trim().split("\n").at(-1)!) as typeof tools;

    const state = createFixtureState();
    running = await serveHttp(createConformanceFixture({}, state), {
      port: 0,
      identity: {
        name: TEMPLATE_EXTENSION_ID,
        title: "mcp-verticals template (conformance fixture)",
        version: TEMPLATE_SERVER_INFO.version,
        description: "Template reference server with the conformance diagnostics.",
      },
    });
    state.notify = running.notify;

    rmSync(resultsRoot, { recursive: true, force: true });
    outDir = join(resultsRoot, `run-${Date.now()}`);
    mkdirSync(outDir, { recursive: true });
    const started = Date.now();
    suiteRun = await run(
      tools.node,
      [tools.suite, "server", "--url", running.url, "--requirements", "2026-07-28", "--expected-failures", expectedFailuresFile, "-o", outDir],
      150_000,
    );
    const suiteMs = Date.now() - started;
    results = readResults(outDir);
    expected = readExpectedFailures(expectedFailuresFile);

    const checks = results.flatMap((result) => result.checks);
    const failed = checks.filter((check) => check.status === "FAILURE").length;
    const passed = checks.filter((check) => check.status === "SUCCESS").length;
    const warnings = checks.filter((check) => check.status === "WARNING").length;
    const green = results.filter((result) => result.checks.every((check) => check.status !== "FAILURE")).length;
    const scored = scoredScenarios(tools.suite);
    const scoredResults = results.filter((result) => scored.includes(result.scenario));
    const scoredGreen = scoredResults.filter((result) => result.checks.every((check) => check.status !== "FAILURE")).length;
    process.stdout.write(
      `[conformance] ${passed} checks passed, ${failed} failed, ${warnings} warnings; ${green}/${results.length} scenarios green ` +
        `(scored for 2026-07-28: ${scoredGreen}/${scored.length}); ` +
        `${expected.length} expected failure(s); suite exit ${suiteRun.code}; install ${tools.cached ? "cached" : "cold"} ${tools.ms} ms, suite ${suiteMs} ms\n`,
    );
  }, 180_000);

  afterAll(async () => {
    await running?.close();
  });

  it("ran the whole requirement set", () => {
    const checks = results.flatMap((result) => result.checks);
    expect(results.length, suiteRun.stderr || suiteRun.stdout.slice(-2000)).toBeGreaterThanOrEqual(40);
    expect(checks.length).toBeGreaterThanOrEqual(MIN_CHECKS);
  });

  it("fails only where expected-failures.yml says so, and that file has no stale entries", () => {
    const unexpected: string[] = [];
    for (const { scenario, checks } of results) {
      for (const check of checks.filter(failing)) {
        if (expected.includes(scenario) || expected.includes(`${scenario}:${check.id}`)) continue;
        unexpected.push(`${scenario}:${check.id} [${check.status}] ${check.errorMessage ?? ""}`);
      }
    }
    expect(unexpected).toEqual([]);
    // The suite enforces the baseline for the scored scenarios (unexpected failure or stale entry → exit 1);
    // it ignores entries for not-scored ones, so staleness is checked here for every entry.
    expect(suiteRun.code, suiteRun.stdout.slice(-3000)).toBe(0);
    const stale = expected.filter((entry) => {
      const [scenario, checkId] = entry.split(":") as [string, string | undefined];
      const result = results.find((candidate) => candidate.scenario === scenario);
      if (!result) return true;
      return !result.checks.some((check) => failing(check) && (checkId === undefined || check.id === checkId));
    });
    expect(stale, "entries in expected-failures.yml that no longer fail").toEqual([]);
  });

  it("passes the serving-layer scenarios", () => {
    for (const scenario of SERVING_LAYER_SCENARIOS) {
      const result = results.find((candidate) => candidate.scenario === scenario);
      expect(result, `scenario ${scenario} did not run`).toBeDefined();
      const unexcused = result!.checks.filter(failing).filter((check) => !expected.includes(scenario) && !expected.includes(`${scenario}:${check.id}`));
      expect(unexcused.map((check) => `${check.id}: ${check.errorMessage}`), scenario).toEqual([]);
    }
  });
});
