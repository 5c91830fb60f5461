import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { toolErrorOf } from "@mcp-verticals/core";
import { templateClient } from "./client.js";
import { TEMPLATE_EXTENSION_ID } from "./extension.js";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const eras = { legacy: "legacy", modern: { pin: "2026-07-28" } } as const;

function newClient(era: keyof typeof eras, declare: boolean) {
  const template = templateClient({ language: "nb" });
  const client = new Client(
    { name: "template-e2e", version: "0.0.0" },
    { versionNegotiation: { mode: eras[era] }, capabilities: declare ? { extensions: template.declaration } : {} },
  );
  return { client, template };
}

describe("mcp-template over stdio (spawned bin)", () => {
  for (const era of ["legacy", "modern"] as const) {
    it(`negotiates and serves typed calls (${era})`, async () => {
      const { client, template } = newClient(era, true);
      await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin], stderr: "pipe" }));
      expect(client.getProtocolEra()).toBe(era);
      const bound = template.bind(client);
      expect(bound.settings).toEqual({ language: "nb", maxResults: 20, statsAvailable: true });
      const { entry } = await bound.callTool("template_lookup_term", { term: "capability" });
      expect(entry.language).toBe("nb");
      expect(await bound.request("stats", {})).toEqual({ entries: 7, version: "2026-11-24" });
      await client.close();
    });

    it(`refuses unknown client settings with -32602 naming the field, and keeps serving (${era})`, async () => {
      const client = new Client(
        { name: "template-e2e", version: "0.0.0" },
        { versionNegotiation: { mode: eras[era] }, capabilities: { extensions: { [TEMPLATE_EXTENSION_ID]: { langauge: "nb" } } } },
      );
      // Refused the first time the server sees the declaration: initialize (2025) or server/discover (2026-07-28).
      const transport = new StdioClientTransport({ command: process.execPath, args: [bin], stderr: "pipe" });
      const connecting = client.connect(transport);
      if (era === "legacy") {
        await expect(connecting).rejects.toMatchObject({ code: -32602, data: { field: `capabilities.extensions["${TEMPLATE_EXTENSION_ID}"].langauge` } });
      } else {
        await expect(connecting).rejects.toThrow();
      }
      await client.close();
      const { client: valid } = newClient(era, true);
      await valid.connect(new StdioClientTransport({ command: process.execPath, args: [bin], stderr: "pipe" }));
      expect((await valid.listTools()).tools).toHaveLength(1);
      await valid.close();
    });

    it(`serves only the selected toolsets to plain and declaring clients (${era})`, async () => {
      for (const declare of [false, true]) {
        const { client } = newClient(era, declare);
        await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin], stderr: "pipe" }));
        expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(["template_lookup_term"]);
        expect(client.getServerCapabilities()?.extensions?.[TEMPLATE_EXTENSION_ID]).toMatchObject({ toolsets: ["lookup"] });
        const refused = await client.callTool({ name: "template_search_terms", arguments: { prefix: "ext" } });
        expect(toolErrorOf(refused)).toMatchObject({ code: "TOOLSET_NOT_ENABLED", data: { toolset: "search" } });
        expect(toolErrorOf(refused)?.message).toContain("--toolsets lookup,search");
        await client.close();
      }
      const { client } = newClient(era, false);
      const env = { ...process.env, MCP_TOOLSETS: "search" } as Record<string, string>;
      await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin], env, stderr: "pipe" }));
      expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(["template_search_terms"]);
      const found = await client.callTool({ name: "template_search_terms", arguments: { prefix: "ext" } });
      expect(found.structuredContent).toMatchObject({ terms: [{ term: "extension", language: "en" }], truncated: false });
      expect(toolErrorOf(await client.callTool({ name: "template_lookup_term", arguments: { term: "extension" } }))).toMatchObject({
        code: "TOOLSET_NOT_ENABLED",
        data: { toolset: "lookup" },
      });
      await client.close();
    });

    it(`gates the stats method for a plain client with -32021 (${era})`, async () => {
      const { client } = newClient(era, false);
      await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin], stderr: "pipe" }));
      const z = (await import("zod")).z;
      await expect(client.request({ method: `${TEMPLATE_EXTENSION_ID}/stats`, params: {} } as never, z.any())).rejects.toMatchObject({
        code: -32021,
        data: { requiredCapabilities: { extensions: { [TEMPLATE_EXTENSION_ID]: {} } } },
      });
      const fallback = await client.callTool({ name: "template_lookup_term", arguments: { term: "extension" } });
      expect(fallback.structuredContent).toMatchObject({ entry: { language: "en" } });
      await client.close();
    });
  }
});

function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let seen = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening on (\S+)/.exec(seen);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`exited ${code}: ${seen}`)));
  });
}

describe("mcp-template over HTTP (spawned bin)", () => {
  let child: ChildProcess;
  let url: string;
  beforeAll(async () => {
    child = spawn(process.execPath, [bin, "--http", "0"], { stdio: ["ignore", "ignore", "pipe"] });
    url = await listeningUrl(child);
  });
  afterAll(() => {
    child.kill("SIGTERM");
  });

  it("serves the modern era with negotiated settings and the server card", async () => {
    const { client, template } = newClient("modern", true);
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    const { entry } = await template.bind(client).callTool("template_lookup_term", { term: "extension" });
    expect(entry.language).toBe("nb");
    await client.close();
    const card = (await (await fetch(`${url}/server-card`)).json()) as { name: string; _meta: Record<string, Record<string, unknown>> };
    expect(card.name).toBe(TEMPLATE_EXTENSION_ID);
    expect(Object.keys(card._meta["io.github.mcp-verticals/extensions"] ?? {})).toEqual([TEMPLATE_EXTENSION_ID]);
  });

  it("keeps a 2025 client's initialize declaration over stateless HTTP (signed session id)", async () => {
    const { client, template } = newClient("legacy", true);
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    expect(client.getServerCapabilities()?.extensions?.[TEMPLATE_EXTENSION_ID]).toBeDefined();
    const result = await client.callTool({ name: "template_lookup_term", arguments: { term: "extension" } });
    expect(result.structuredContent).toMatchObject({ entry: { language: "nb" } });
    expect(template.bind(client)).toMatchObject({ negotiated: true, settings: { language: "nb" } });
    await client.close();
  });

  it("serves --toolsets all in both eras, and the card and server/discover say which toolsets are active", async () => {
    const all = spawn(process.execPath, [bin, "--http", "0", "--toolsets", "all"], { stdio: ["ignore", "ignore", "pipe"] });
    try {
      const allUrl = await listeningUrl(all);
      for (const era of ["legacy", "modern"] as const) {
        for (const declare of [false, true]) {
          const { client } = newClient(era, declare);
          await client.connect(new StreamableHTTPClientTransport(new URL(allUrl)));
          expect((await client.listTools()).tools.map((tool) => tool.name).sort()).toEqual(["template_lookup_term", "template_search_terms"]);
          expect((await client.callTool({ name: "template_search_terms", arguments: { prefix: "cap" } })).isError).toBeFalsy();
          await client.close();
        }
      }
      const card = (await (await fetch(`${allUrl}/server-card`)).json()) as { _meta: Record<string, Record<string, { toolsets?: string[] }>> };
      expect(card._meta["io.github.mcp-verticals/extensions"]?.[TEMPLATE_EXTENSION_ID]?.toolsets).toEqual(["lookup", "search"]);
    } finally {
      all.kill("SIGTERM");
    }
    const card = (await (await fetch(`${url}/server-card`)).json()) as { _meta: Record<string, Record<string, { toolsets?: string[] }>> };
    expect(card._meta["io.github.mcp-verticals/extensions"]?.[TEMPLATE_EXTENSION_ID]?.toolsets).toEqual(["lookup"]);
    const { client } = newClient("modern", false);
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(["template_lookup_term"]);
    expect(toolErrorOf(await client.callTool({ name: "template_search_terms", arguments: { prefix: "cap" } }))).toMatchObject({ code: "TOOLSET_NOT_ENABLED" });
    await client.close();
  });

  it("keeps serving after bad input", async () => {
    const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
    expect((await fetch(url, { method: "POST", headers, body: "][" })).status).toBe(400);
    const { client } = newClient("modern", false);
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    const bad = await client.callTool({ name: "template_lookup_term", arguments: { term: 7 } });
    expect(toolErrorOf(bad)).toMatchObject({ code: "INVALID_ARGUMENTS", field: "term" });
    await client.close();
  });
});

describe("mcp-template CLI", () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...env } });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("exit", (code) => resolve({ code, stderr }));
    });

  it("prints help with the shared and the vertical's flags", async () => {
    const { code, stderr } = await run(["--help"]);
    expect(code).toBe(0);
    expect(stderr).toContain("--http <port>");
    expect(stderr).toContain("--language <en|nb|de>");
    expect(stderr).toContain("--toolsets <a,b>");
    expect(stderr).toMatch(/Toolsets \(--toolsets\):\n\s+lookup\s+Define one term\. \(default\)\n\s+search\s+Find terms by prefix\./);
  });

  it("refuses an unknown toolset at start with usage status 2, from the flag and from MCP_TOOLSETS", async () => {
    const flag = await run(["--toolsets", "lookup,serch"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("--toolsets: Unknown toolset serch (known toolsets: lookup, search");
    const fromEnv = await run([], { MCP_TOOLSETS: "nope" });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain("MCP_TOOLSETS: Unknown toolset nope");
  });

  it("rejects unknown flags with usage status 2", async () => {
    const { code, stderr } = await run(["--nope"]);
    expect(code).toBe(2);
    expect(stderr).toContain("--help");
  });
});
