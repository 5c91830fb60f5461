// The schema portability proof with the real MCP Inspector: its CLI (pinned in
// packages/core/conformance/install.mjs, run on the Node 24 installed next to it, because it needs
// Node >= 22.19) spawns each vertical's built bin over stdio and lists its tools with `--strict`,
// with the default toolsets and with every toolset. `--strict` exits non-zero only on errors; this
// test also demands no warning: stderr carries no `Warning:`/`Error:` finding and no summary line.
// The bin runs on the Node that runs this test (its native modules are built for it).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { officialSuiteSupported } from "@mcp-verticals/core/testing";
import { repoRoot } from "./repo.js";

const VERTICALS = ["healthcare", "finance", "education", "template"] as const;
const SELECTIONS = [
  { label: "default toolsets", args: [] as string[] },
  { label: "--toolsets all", args: ["--toolsets", "all"] },
];

interface InspectorTools {
  node: string;
  inspector: string;
}

/** Installs (or finds) the pinned Inspector and Node 24; the installer's last stdout line is JSON. */
function installInspector(): InspectorTools {
  const installer = join(repoRoot, "packages", "core", "conformance", "install.mjs");
  const installed = spawnSync(process.execPath, [installer, "--quiet"], { encoding: "utf8", timeout: 300_000 });
  if (installed.status !== 0) throw new Error(`inspector install failed (exit ${installed.status}): ${installed.stderr.slice(-2000)}`);
  const tools = JSON.parse(installed.stdout.trim().split("\n").at(-1)!) as Partial<InspectorTools>;
  if (!tools.node || !tools.inspector) throw new Error("the installer's output names no node or inspector path");
  return tools as InspectorTools;
}

/** Runs the Inspector CLI to completion (bounded), collecting both streams. */
function runInspector(tools: InspectorTools, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tools.node, [tools.inspector, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The Inspector's finding lines: one per finding, then a summary ("1 error, 2 warnings across 1 tool."). */
function findingsOf(stderr: string): string[] {
  return stderr.split("\n").filter((line) => /^(Warning|Error): /.test(line) || /^Schema portability: /.test(line) || /\d+ errors?, \d+ warnings? across/.test(line));
}

describe.skipIf(!officialSuiteSupported())("MCP Inspector --strict finds no schema portability problem in any vertical", () => {
  let tools: InspectorTools;
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    tools = installInspector();
    // The Inspector may write config and state: a throwaway HOME and XDG dirs, never the user's.
    home = mkdtempSync(join(tmpdir(), "inspector-strict-"));
    env = {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: join(home, ".config"),
      XDG_STATE_HOME: join(home, ".local", "state"),
      XDG_DATA_HOME: join(home, ".local", "share"),
      XDG_CACHE_HOME: join(home, ".cache"),
      NO_COLOR: "1",
      FORCE_COLOR: "0",
    };
  });
  afterAll(() => {
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("reports the findings of a server whose schema is not portable (the check this test relies on works)", async () => {
    const fixture = join(repoRoot, "packages", "repo-checks", "src", "__fixtures__", "unportable-server.mjs");
    const run = await runInspector(tools, ["--cli", "--method", "tools/list", "--strict", "--", process.execPath, fixture], env);
    expect(run.code, run.stderr.slice(-3000)).not.toBe(0);
    expect(findingsOf(run.stderr)).toEqual([
      'Warning: tool "unportable_echo"',
      'Error: tool "unportable_echo"',
      'Warning: tool "unportable_echo"',
      expect.stringMatching(/^1 error, 2 warnings across 1 tool/),
    ]);
    expect(run.stderr).toContain("inputSchema.properties.mean");
  });

  for (const vertical of VERTICALS) {
    for (const selection of SELECTIONS) {
      it(`${vertical}, ${selection.label}: tools/list --strict exits 0 with no finding`, async () => {
        const bin = join(repoRoot, "packages", vertical, "dist", "bin.js");
        const run = await runInspector(tools, ["--cli", "--method", "tools/list", "--strict", "--", process.execPath, bin, "--state", "memory:", ...selection.args], env);
        expect({ code: run.code, findings: findingsOf(run.stderr) }, run.stderr.slice(-3000)).toEqual({ code: 0, findings: [] });
        const listed = JSON.parse(run.stdout) as { tools?: { name?: unknown; inputSchema?: unknown }[] };
        expect(Array.isArray(listed.tools)).toBe(true);
        expect(listed.tools!.length).toBeGreaterThan(0);
        for (const tool of listed.tools!) {
          expect(typeof tool.name).toBe("string");
          expect(tool.inputSchema).toMatchObject({ type: "object" });
        }
        console.log(`inspector --strict ${vertical} (${selection.label}): ${listed.tools!.length} tools, no findings`);
      });
    }
  }
});
