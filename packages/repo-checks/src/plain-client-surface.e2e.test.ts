// A plain client (no extension declared) is shown only what it can call: for every vertical's
// reference server, spawned as its real bin, every tool it lists is called with its documented
// example arguments and never answers -32021 (MissingRequiredClientCapability), in both eras over
// stdio and in the 2025 era over HTTP. The in-process side is the conformance rule
// `lists.plain-callable`, which each vertical's conformance test runs.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import type { AnyExtension } from "@mcp-verticals/core";
import { educationExtension } from "@mcp-verticals/education";
import { financeExtension } from "@mcp-verticals/finance";
import { healthcareExtension } from "@mcp-verticals/healthcare";
import { repoRoot } from "./repo.js";

const verticals: { name: string; extension: AnyExtension }[] = [
  { name: "finance", extension: financeExtension },
  { name: "healthcare", extension: healthcareExtension },
  { name: "education", extension: educationExtension },
];
const binOf = (name: string) => join(repoRoot, "packages", name, "dist", "bin.js");

type Outcome = { tool: string; code?: number; text?: string };

async function callEveryListedTool(client: Client, extension: AnyExtension): Promise<{ listed: string[]; gated: Outcome[] }> {
  const { tools } = await client.listTools();
  const gated: Outcome[] = [];
  for (const listed of tools) {
    const example = extension.tools.find((tool) => tool.name === listed.name)?.examples?.[0] ?? {};
    try {
      const result = await client.callTool({ name: listed.name, arguments: example as Record<string, unknown> });
      const text = JSON.stringify(result.content);
      // A -32021 thrown inside an SDK tool callback would surface as this text instead.
      if (result.isError && /Missing required client capabilit/i.test(text)) gated.push({ tool: listed.name, text });
    } catch (error) {
      const code = (error as { code?: number }).code;
      if (code === -32021) gated.push({ tool: listed.name, code });
    }
  }
  return { listed: tools.map((tool) => tool.name), gated };
}

describe("a plain client's tools/list shows only tools it can call", () => {
  for (const { name, extension } of verticals) {
    for (const era of ["legacy", "modern"] as const) {
      it(`${name} bin over stdio (${era})`, async () => {
        const client = new Client({ name: "plain", version: "0" }, { versionNegotiation: { mode: era === "modern" ? { pin: "2026-07-28" } : "legacy" } });
        await client.connect(new StdioClientTransport({ command: process.execPath, args: [binOf(name)], stderr: "pipe" }));
        try {
          const { listed, gated } = await callEveryListedTool(client, extension);
          expect(listed.length).toBeGreaterThan(0);
          expect(gated).toEqual([]);
          // The gated tools exist (a declaring client sees them); the plain client was not shown them.
          for (const tool of extension.tools.filter((candidate) => candidate.requiresClientExtension)) expect(listed).not.toContain(tool.name);
        } finally {
          await client.close();
        }
      }, 60_000);
    }
  }

  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill("SIGTERM");
  });

  it("finance bin over HTTP with every toolset (2025 era, the era most hosts speak)", async () => {
    // Every toolset, so the gated write and payment tools are there to be hidden from the plain client.
    const child = spawn(process.execPath, [binOf("finance"), "--http", "0", "--toolsets", "all"], { stdio: ["ignore", "ignore", "pipe"] });
    children.push(child);
    const url = await new Promise<string>((resolve, reject) => {
      let seen = "";
      child.stderr!.on("data", (chunk: Buffer) => {
        seen += chunk.toString();
        const match = /listening on (http:\/\/\S+\/mcp)/.exec(seen);
        if (match) resolve(match[1]!);
      });
      child.once("exit", (code) => reject(new Error(`finance bin exited with ${code}: ${seen}`)));
    });
    const client = new Client({ name: "plain", version: "0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    try {
      const { listed, gated } = await callEveryListedTool(client, financeExtension);
      expect(listed).toContain("finance_validate_account_identifier");
      expect(gated).toEqual([]);
      for (const tool of financeExtension.tools.filter((candidate) => candidate.requiresClientExtension)) expect(listed).not.toContain(tool.name);
    } finally {
      await client.close();
    }
  }, 60_000);
});
