import { describe, expect, it } from "vitest";
import { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { runConformance } from "./conformance.js";
import { createWeatherServer, weatherExtension } from "../__fixtures__/weather-extension.js";
import { defineExtension } from "../extension/define.js";
import { defineTool } from "../extension/bindings.js";
import { attachExtension } from "../server/attach.js";

describe("runConformance", () => {
  it("passes a conforming extension in both eras and transports", async () => {
    const report = await runConformance(weatherExtension, () => createWeatherServer(), { clientSettings: { units: "metric" } });
    expect(report.failures).toEqual([]);
    expect(report.passed).toBeGreaterThan(30);
    const rules = new Set(report.results.map((result) => result.rule));
    for (const rule of ["advertise.legacy", "advertise.modern", "gating.required", "fallback.plain-client", "settings.client-invalid-rejected", "tools.described"]) {
      expect(rules).toContain(rule);
    }
  });

  it("catches a lenient settings schema and a gate that does not hold", async () => {
    const leaky = defineExtension({
      id: "com.example/leaky",
      title: "Leaky",
      description: "Breaks the rules on purpose.",
      versions: ["1"],
      serverSettings: z.object({}),
      clientSettings: z.object({}),
      negotiate: () => ({}),
      tools: [
        defineTool({
          name: "leaky_secret",
          description: "Pretends to be gated but is registered as open.",
          input: z.object({}),
          output: z.object({ ok: z.boolean() }),
          annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
          examples: [{}],
          handler: () => ({ ok: true }),
        }),
      ],
    });
    const claimed = { ...leaky, tools: [{ ...leaky.tools[0], requiresClientExtension: true }] } as unknown as typeof leaky;
    const factory = () => {
      const server = new McpServer({ name: "leaky", version: "1" });
      attachExtension(server, leaky, { settings: {}, services: {} });
      return server;
    };
    const report = await runConformance(claimed, factory, { transports: ["memory"] });
    const failed = new Set(report.failures.map((failure) => failure.rule));
    expect(failed).toContain("gating.required");
    expect(failed).toContain("settings.client-invalid-rejected");
  });
});
