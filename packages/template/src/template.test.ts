import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { connectInProcess, runConformance } from "@mcp-verticals/core/testing";
import { createAuditTrail, memoryAuditSink, verifyAuditChain } from "@mcp-verticals/core";
import { createTemplateServer } from "./server.js";
import { templateExtension, TEMPLATE_EXTENSION_ID } from "./extension.js";

const schemaFile = fileURLToPath(new URL("../schema.json", import.meta.url));

describe("template extension", () => {
  it("conforms in both eras and transports, with a fresh schema.json", async () => {
    const report = await runConformance(templateExtension, () => createTemplateServer(), { clientSettings: { language: "nb" }, schemaFile });
    expect(report.failures).toEqual([]);
    // The default leaves the search toolset out: its tool is checked as hidden and refused.
    expect(report.results.filter((result) => result.rule === "toolsets.unselected-hidden").length).toBeGreaterThan(0);
  });

  it("conforms with every toolset selected", async () => {
    const report = await runConformance(templateExtension, () => createTemplateServer({ toolsets: ["all"] }), { clientSettings: { language: "nb" } });
    expect(report.failures).toEqual([]);
    expect(report.results.some((result) => result.rule === "tools.examples-valid" && result.message.includes("template_search_terms"))).toBe(true);
  });

  it("negotiates the language: client preference when offered, server default otherwise", async () => {
    for (const [declared, expected] of [[{ language: "nb" }, "nb"], [{ language: "de" }, "en"], [undefined, "en"]] as const) {
      const { client, close } = await connectInProcess(() => createTemplateServer(), {
        era: "modern",
        ...(declared ? { extensions: { [TEMPLATE_EXTENSION_ID]: declared } } : {}),
      });
      const result = await client.callTool({ name: "template_lookup_term", arguments: { term: "extension" } });
      expect(result.structuredContent).toMatchObject({ entry: { language: expected } });
      await close();
    }
  });

  it("audits every call and denial in a verifiable chain", async () => {
    const sink = memoryAuditSink();
    const audit = createAuditTrail({ sink, key: "k".repeat(32) });
    const { client, close } = await connectInProcess(() => createTemplateServer({ audit }), { era: "modern" });
    await client.callTool({ name: "template_lookup_term", arguments: { term: "extension" } });
    await client.callTool({ name: "template_lookup_term", arguments: { term: "nonexistent" } });
    await expect(client.request({ method: `${TEMPLATE_EXTENSION_ID}/stats`, params: {} } as never, (await import("zod")).z.any())).rejects.toMatchObject({ code: -32021 });
    await close();
    const outcomes = sink.lines.map((line) => JSON.parse(line) as { binding: string; outcome: string; code?: string });
    expect(outcomes.map((entry) => [entry.binding, entry.outcome, entry.code ?? null])).toEqual([
      ["tools/call:template_lookup_term", "ok", null],
      ["tools/call:template_lookup_term", "denied", "TERM_NOT_FOUND"],
      [`${TEMPLATE_EXTENSION_ID}/stats`, "denied", "MISSING_CLIENT_EXTENSION"],
    ]);
    expect(verifyAuditChain(sink.lines, { chainKey: "k".repeat(32) })).toMatchObject({ ok: true, count: 3 });
  });
});
