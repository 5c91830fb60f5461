import { toolErrorOf } from "@mcp-verticals/core";
import { connectInProcess, type InProcessConnection } from "@mcp-verticals/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FINANCE_EXTENSION_ID, financeExtension } from "../extension.js";
import { createFinanceRuntime, type FinanceRuntime } from "../server.js";

type Schema = { description?: string; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[] };

/** Paths of object properties without a description, through nested objects, array items and unions. */
function undescribed(schema: Schema | undefined, path: string): string[] {
  if (!schema) return [];
  const own = Object.entries(schema.properties ?? {}).flatMap(([name, property]) => [
    ...(property.description?.trim() ? [] : [`${path}.${name}`]),
    ...undescribed(property, `${path}.${name}`),
  ]);
  return [...own, ...undescribed(schema.items, `${path}[]`), ...(schema.anyOf ?? []).flatMap((option) => undescribed(option, path))];
}

describe("finance tools/list: size, described fields, human text", () => {
  let runtime: FinanceRuntime;
  let everything: FinanceRuntime;
  const connections: InProcessConnection[] = [];
  // Every toolset served, so every tool and example is checked.
  const connect = async (era: "modern" | "legacy", declaring: boolean) => {
    const connection = await connectInProcess(() => everything.createServer(), { era, ...(declaring ? { extensions: { [FINANCE_EXTENSION_ID]: { approvalUi: ["form"] } } } : {}) });
    connections.push(connection);
    return connection;
  };
  beforeAll(async () => {
    runtime = await createFinanceRuntime();
    everything = await createFinanceRuntime({ toolsets: ["all"] });
  });
  afterAll(async () => {
    for (const connection of connections) await connection.close();
    await runtime?.close();
    await everything?.close();
  });

  it("serves the read toolset alone by default in at most 12 KB of tools/list, and refuses a tool outside it with a typed error", async () => {
    const sizes: string[] = [];
    for (const era of ["modern", "legacy"] as const) {
      for (const declaring of [false, true]) {
        const connection = await connectInProcess(() => runtime.createServer(), { era, ...(declaring ? { extensions: { [FINANCE_EXTENSION_ID]: { approvalUi: ["form"] } } } : {}) });
        connections.push(connection);
        const { tools } = await connection.client.listTools();
        const bytes = Buffer.byteLength(JSON.stringify({ tools }));
        sizes.push(`${era} ${declaring ? "declaring" : "plain"}: ${tools.length} tools, ${(bytes / 1024).toFixed(1)} KB`);
        expect(tools.map((tool) => tool.name).sort()).toEqual(financeExtension.tools.filter((tool) => tool.toolset === "read").map((tool) => tool.name).sort());
        expect(bytes).toBeLessThanOrEqual(12 * 1024);
        const refused = await connection.client.callTool({ name: "finance_prepare_payment", arguments: financeExtension.tools.find((tool) => tool.name === "finance_prepare_payment")!.examples![0] as Record<string, unknown> });
        expect(toolErrorOf(refused)).toMatchObject({ code: "TOOLSET_NOT_ENABLED", data: { toolset: "payments" } });
      }
    }
    process.stdout.write(`[tools/list] finance default (read): ${sizes.join("; ")}\n`);
  });

  it("measures tools/list with every toolset for a plain and a declaring client in both eras, and every field is described", async () => {
    const sizes: string[] = [];
    for (const era of ["modern", "legacy"] as const) {
      for (const declaring of [false, true]) {
        const { tools } = await (await connect(era, declaring)).client.listTools();
        const bytes = Buffer.byteLength(JSON.stringify({ tools }));
        sizes.push(`${era} ${declaring ? "declaring" : "plain"}: ${tools.length} tools, ${(bytes / 1024).toFixed(1)} KB`);
        // A plain client sees the tools it can call; a declaring one sees all thirteen.
        if (declaring) expect(tools).toHaveLength(financeExtension.tools.length);
        for (const tool of tools) {
          expect(undescribed(tool.inputSchema as Schema, `${tool.name} input`)).toEqual([]);
          expect(undescribed(tool.outputSchema as Schema, `${tool.name} output`)).toEqual([]);
        }
      }
    }
    process.stdout.write(`[tools/list] finance --toolsets all: ${sizes.join("; ")}\n`);
  });

  it("answers every example call with a human summary in text, never the structured JSON", async () => {
    const connection = await connect("modern", true);
    let summarized = 0;
    for (const tool of financeExtension.tools) {
      for (const example of tool.examples ?? []) {
        const result = await connection.client.callTool({ name: tool.name, arguments: example as Record<string, unknown> });
        if (result.isError) continue; // e.g. an approval the example cannot give; errors carry their own text
        const text = (result.content as Array<{ type: string; text?: string }>)[0]?.text ?? "";
        expect(text.length, tool.name).toBeGreaterThan(0);
        expect(text, tool.name).not.toBe(JSON.stringify(result.structuredContent));
        expect(text.trimStart().startsWith("{"), `${tool.name} text: ${text.slice(0, 80)}`).toBe(false);
        summarized++;
      }
    }
    // Most examples succeed on the demo ledger; each of those was checked above.
    expect(summarized).toBeGreaterThanOrEqual(financeExtension.tools.length);
  });
});
