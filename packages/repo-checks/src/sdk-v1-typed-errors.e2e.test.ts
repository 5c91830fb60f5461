// SDK v1 clients (`@modelcontextprotocol/sdk` 1.x) that have listed tools check the
// structuredContent of every result against the tool's output schema, error results included.
// Core's typed errors therefore travel in `_meta` with a human text: for one tool of each vertical,
// the real bin over stdio and over HTTP answers a v1 client with `isError` and a readable typed code
// instead of the client's -32602.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { toolErrorOf } from "@mcp-verticals/core";
import { repoRoot } from "./repo.js";

type Case = {
  vertical: string;
  /** Declared in `initialize` when the tool is shown only to declaring clients. */
  extension?: string;
  tool: string;
  failing: Record<string, unknown>;
  code: string;
  field: string;
};

const cases: Case[] = [
  { vertical: "finance", tool: "finance_list_accounts", failing: { cursor: "forged" }, code: "INVALID_CURSOR", field: "cursor" },
  { vertical: "healthcare", tool: "fhir_read", failing: { resourceType: "Observation", id: "no-such-observation" }, code: "NOT_FOUND", field: "id" },
  { vertical: "education", tool: "edu_list_roster", failing: { classSourcedId: "no-such-class" }, code: "CLASS_NOT_FOUND", field: "classSourcedId" },
  {
    vertical: "template",
    extension: "io.github.mcp-verticals/template",
    tool: "template_lookup_term",
    failing: { term: "no-such-term" },
    code: "TERM_NOT_FOUND",
    field: "term",
  },
];
const binOf = (name: string) => join(repoRoot, "packages", name, "dist", "bin.js");

// Each bin keeps its state, keys and audit trail in this run's own directories, not the user's.
const home = mkdtempSync(join(tmpdir(), "sdk-v1-errors-"));
const env = { ...process.env, XDG_STATE_HOME: join(home, "state"), XDG_CONFIG_HOME: join(home, "config") } as Record<string, string>;
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill("SIGTERM");
  rmSync(home, { recursive: true, force: true });
});

async function startHttp(vertical: string): Promise<URL> {
  const child = spawn(process.execPath, [binOf(vertical), "--http", "0"], { stdio: ["ignore", "ignore", "pipe"], env });
  children.push(child);
  return new Promise<URL>((resolve, reject) => {
    let seen = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening on (http:\/\/\S+\/mcp)/.exec(seen);
      if (match) resolve(new URL(match[1]!));
    });
    child.once("exit", (code) => reject(new Error(`${vertical} bin exited with ${code}: ${seen}`)));
  });
}

function v1Client(entry: Case): Client {
  const capabilities = entry.extension ? ({ extensions: { [entry.extension]: {} } } as never) : {};
  return new Client({ name: "sdk-v1-host", version: "1.0.0" }, { capabilities });
}

async function expectTypedError(client: Client, entry: Case): Promise<void> {
  // Listing makes the v1 client cache the output validators it then applies to every result.
  const { tools } = await client.listTools();
  const listed = tools.find((tool) => tool.name === entry.tool);
  expect(listed?.outputSchema, `${entry.tool} is listed with an output schema`).toBeDefined();
  const result = await client.callTool({ name: entry.tool, arguments: entry.failing });
  expect(result.isError).toBe(true);
  expect(toolErrorOf(result)).toMatchObject({ code: entry.code, field: entry.field });
  expect(result.structuredContent).toBeUndefined();
  expect((result.content as { type: string; text: string }[])[0]?.text).toMatch(new RegExp(`^${entry.code}: `));
}

describe("an SDK v1 client reads core's typed tool errors", () => {
  for (const entry of cases) {
    it(`${entry.vertical} bin over stdio: ${entry.tool} fails with ${entry.code}`, async () => {
      const client = v1Client(entry);
      await client.connect(new StdioClientTransport({ command: process.execPath, args: [binOf(entry.vertical)], stderr: "ignore", env }));
      try {
        await expectTypedError(client, entry);
      } finally {
        await client.close();
      }
    }, 60_000);

    it(`${entry.vertical} bin over HTTP: ${entry.tool} fails with ${entry.code}`, async () => {
      const client = v1Client(entry);
      await client.connect(new StreamableHTTPClientTransport(await startHttp(entry.vertical)));
      try {
        await expectTypedError(client, entry);
      } finally {
        await client.close();
      }
    }, 60_000);
  }
});
