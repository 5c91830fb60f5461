// What a model pays before its first call: each vertical's reference server, spawned as its real
// bin with its default toolsets, answers tools/list to a plain client and to a client declaring
// the extension, in both protocol eras: the 2025 `initialize` era over stdio and the 2026-07-28
// stateless era over Streamable HTTP on 127.0.0.1. Each answer's JSON is measured in bytes (every
// page, as the client received it), printed as a table, and must stay within the budget
// (12 KB = 12 * 1024 bytes); the conformance rule `tools.list-budget` checks the same in process.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import type { AnyExtension } from "@mcp-verticals/core";
import { connectHttp, startHttpBin, type HttpBin } from "@mcp-verticals/core/testing";
import { educationExtension } from "@mcp-verticals/education";
import { financeExtension } from "@mcp-verticals/finance";
import { healthcareExtension } from "@mcp-verticals/healthcare";
import { templateExtension } from "@mcp-verticals/template";
import { repoRoot } from "./repo.js";

const BUDGET_BYTES = 12 * 1024;
const verticals: { name: string; extension: AnyExtension }[] = [
  { name: "finance", extension: financeExtension },
  { name: "healthcare", extension: healthcareExtension },
  { name: "education", extension: educationExtension },
  { name: "template", extension: templateExtension },
];
const binOf = (name: string) => join(repoRoot, "packages", name, "dist", "bin.js");
const declarationOf = (extension: AnyExtension) => ({ [extension.id]: { versions: [...extension.versions] } });

type Era = "2025 stdio" | "2026-07-28 HTTP";
type Measure = { bytes: number; tools: number };
const measured: { name: string; era: Era; client: string; measure: Measure }[] = [];

/** The bytes of every tools/list page the server sends (the SDK client reads all pages). */
async function toolsListBytes(client: Client): Promise<Measure> {
  let bytes = 0;
  let tools = 0;
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor });
    bytes += Buffer.byteLength(JSON.stringify(page));
    tools += page.tools.length;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return { bytes, tools };
}

/** A 2025-era client (initialize) on the bin spawned over stdio. */
async function measureStdio(name: string, extension: AnyExtension, declaring: boolean): Promise<Measure> {
  const client = new Client({ name: declaring ? "declaring" : "plain", version: "0" }, { capabilities: declaring ? { extensions: declarationOf(extension) as never } : {} });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [binOf(name)], stderr: "pipe" }));
  try {
    expect(client.getProtocolEra()).toBe("legacy");
    return await toolsListBytes(client);
  } finally {
    await client.close();
  }
}

/** A client pinned to 2026-07-28 (no initialize; every request self-contained) on the bin over HTTP. */
async function measureHttp(bin: HttpBin, extension: AnyExtension, declaring: boolean): Promise<Measure> {
  const connection = await connectHttp(bin.url, { era: "modern", tasks: false, ...(declaring ? { extensions: declarationOf(extension) } : {}) });
  try {
    expect(connection.client.getProtocolEra()).toBe("modern");
    return await toolsListBytes(connection.client);
  } finally {
    await connection.close();
  }
}

function table(): string {
  const row = (cells: string[]) => `  ${cells[0]!.padEnd(11)} ${cells[1]!.padEnd(16)} ${cells[2]!.padEnd(10)} ${cells[3]!.padStart(8)} ${cells[4]!.padStart(7)} ${cells[5]!.padStart(6)}`;
  const lines = [row(["vertical", "era", "client", "KB", "bytes", "tools"])];
  const order = (entry: (typeof measured)[number]) => [verticals.findIndex((vertical) => vertical.name === entry.name), entry.era, entry.client].join("\u0000");
  const sorted = [...measured].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  for (const { name, era, client, measure } of sorted) lines.push(row([name, era, client, (measure.bytes / 1024).toFixed(1), String(measure.bytes), String(measure.tools)]));
  return `tools/list sizes (default toolsets, budget ${BUDGET_BYTES} bytes):\n${lines.join("\n")}`;
}

function record(name: string, era: Era, declaring: boolean, measure: Measure): void {
  const client = declaring ? "declaring" : "plain";
  measured.push({ name, era, client, measure });
  expect(measure.tools).toBeGreaterThan(0);
  expect(measure.bytes, `${name} ${era} ${client}: tools/list is ${measure.bytes} bytes`).toBeLessThanOrEqual(BUDGET_BYTES);
}

describe(`each vertical's default tools/list fits ${BUDGET_BYTES / 1024} KB in both eras`, () => {
  afterAll(() => {
    process.stdout.write(`${table()}\n`);
  });

  for (const { name, extension } of verticals) {
    describe(name, () => {
      let bin: HttpBin | undefined;
      beforeAll(async () => {
        bin = await startHttpBin(binOf(name));
      }, 60_000);
      afterAll(async () => {
        await bin?.kill();
      });

      for (const declaring of [false, true]) {
        it(`2025 era over stdio, ${declaring ? "declaring" : "plain"} client`, async () => {
          record(name, "2025 stdio", declaring, await measureStdio(name, extension, declaring));
        }, 60_000);
        it(`2026-07-28 era over HTTP, ${declaring ? "declaring" : "plain"} client`, async () => {
          record(name, "2026-07-28 HTTP", declaring, await measureHttp(bin!, extension, declaring));
        }, 60_000);
      }
    });
  }
});
