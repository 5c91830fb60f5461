// The MCP Bundle a desktop user installs: packed by scripts/pack-bundle.mjs on this platform, it
// claims exactly this platform, carries the native module built for it, and the server it declares
// starts from the unpacked bundle and answers the official client over stdio, as a host runs it.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, run } from "./repo.js";

const require = createRequire(import.meta.url);
const mcpbCli = join(require.resolve("@anthropic-ai/mcpb"), "..", "cli", "cli.js");

describe("the finance MCP Bundle for this platform", () => {
  const work = mkdtempSync(join(tmpdir(), "mcpb-test-"));
  const unpacked = join(work, "unpacked");
  let bundleFile = "";
  let manifest: any;

  beforeAll(() => {
    const packed = run(process.execPath, [join(repoRoot, "scripts", "pack-bundle.mjs"), "finance", "--out", work], { cwd: repoRoot });
    if (packed.status !== 0) throw new Error(`pack-bundle: ${packed.output}`);
    bundleFile = packed.output.split("\n").find((line) => line.trim().endsWith(".mcpb"))?.trim() ?? "";
    const unpack = run(process.execPath, [mcpbCli, "unpack", bundleFile, unpacked], { cwd: work });
    if (unpack.status !== 0) throw new Error(`mcpb unpack: ${unpack.output}`);
    manifest = JSON.parse(readFileSync(join(unpacked, "manifest.json"), "utf8"));
  }, 300_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("is named for, and claims, exactly the platform it was built on", () => {
    expect(bundleFile).toMatch(new RegExp(`-${process.platform}-${process.arch}\\.mcpb$`));
    expect(manifest.compatibility.platforms).toEqual([process.platform]);
    expect(run(process.execPath, [mcpbCli, "validate", join(unpacked, "manifest.json")], { cwd: work }).status).toBe(0);
    // The source manifest claims no platform: only a built bundle can say where it runs.
    expect(JSON.parse(readFileSync(join(repoRoot, "packages", "finance", "manifest.json"), "utf8")).compatibility?.platforms).toBeUndefined();
  });

  it("carries better-sqlite3's native binary and every production dependency", () => {
    expect(existsSync(join(unpacked, "node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node"))).toBe(true);
    expect(existsSync(join(unpacked, "node_modules", "@mcp-verticals", "core", "dist", "index.js"))).toBe(true);
    expect(existsSync(join(unpacked, "node_modules", "typescript"))).toBe(false);
  });

  /** The server the manifest declares, started from the unpacked bundle with the user's settings (defaults unless given). */
  async function startDeclared(settings: Record<string, string> = {}): Promise<Client> {
    const values = { ...Object.fromEntries(Object.entries(manifest.user_config ?? {}).map(([key, spec]: [string, any]) => [key, String(spec.default)])), ...settings };
    const args = (manifest.server.mcp_config.args as string[]).map((arg) =>
      arg.replace("${__dirname}", unpacked).replace(/\$\{user_config\.(\w+)\}/g, (_match, key: string) => values[key] ?? ""),
    );
    const home = join(work, "home");
    const client = new Client({ name: "bundle-host", version: "1.0.0" });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args,
        cwd: unpacked,
        env: { PATH: process.env.PATH ?? "", HOME: home, XDG_STATE_HOME: join(home, "state"), XDG_CONFIG_HOME: join(home, "config") },
        stderr: "pipe",
      }),
    );
    return client;
  }

  it("starts the server it declares, from the unpacked bundle, and answers over stdio", async () => {
    const client = await startDeclared();
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain("finance_list_accounts");
      // The default setting serves the read toolset only.
      expect(tools.map((tool) => tool.name)).not.toContain("finance_prepare_payment");
      const result = await client.callTool({ name: "finance_list_accounts", arguments: {} });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    } finally {
      await client.close();
    }
  }, 60_000);

  it("lets the bundle user turn on more toolsets in its settings", async () => {
    expect(manifest.user_config.toolsets).toMatchObject({ type: "string", default: "read" });
    const client = await startDeclared({ toolsets: "read,payments" });
    try {
      const names = (await client.listTools()).tools.map((tool) => tool.name);
      expect(names).toEqual(expect.arrayContaining(["finance_list_accounts", "finance_prepare_payment", "finance_validate_account_identifier"]));
      expect(names).not.toContain("finance_import_statement");
    } finally {
      await client.close();
    }
  }, 60_000);
});
