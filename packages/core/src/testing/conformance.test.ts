import { describe, expect, it } from "vitest";
import { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { runConformance } from "./conformance.js";
import { createWeatherServer, weatherExtension } from "../__fixtures__/weather-extension.js";
import { defineExtension } from "../extension/define.js";
import { definePrompt, defineTool } from "../extension/bindings.js";
import { attachExtension } from "../server/attach.js";

describe("runConformance", () => {
  it("passes a conforming extension in both eras and transports", async () => {
    // The fixture predates the description and summary rules; the cases below cover those.
    const report = await runConformance(weatherExtension, () => createWeatherServer(), { clientSettings: { units: "metric" }, skip: ["schema.described", "tools.text-summary"] });
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

  describe("descriptions, text summaries and the tools/list budget", () => {
    const annotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
    const Entry = z.object({ name: z.string().describe("Name of the entry."), tags: z.array(z.string()).describe("Its tags.") });
    const makeExtension = (options: { described: boolean; render?: (output: { entries: { name: string; tags: string[] }[] }) => string; padding?: number }) => {
      const entry = options.described ? Entry : z.object({ name: z.string().describe("Name of the entry."), tags: z.array(z.string()) });
      return defineExtension({
        id: "com.example/rules",
        title: "Rules",
        description: "Exercises the description, summary and budget rules.",
        versions: ["1"],
        serverSettings: z.strictObject({ limit: z.number().int().default(5).describe("Most entries per answer.") }),
        clientSettings: z.strictObject({ verbose: z.boolean().optional().describe("Longer summaries.") }),
        negotiate: ({ server }) => server,
        tools: [
          defineTool({
            name: "rules_list",
            description: `Lists entries.${" Padding.".repeat(options.padding ?? 0)}`,
            input: z.object({ prefix: z.string().describe("Start of the names.") }),
            output: z.object({ entries: z.array(entry).describe("The entries.") }),
            annotations,
            examples: [{ prefix: "a" }],
            ...(options.render ? { render: options.render } : {}),
            handler: () => ({ entries: [{ name: "alpha", tags: ["x"] }] }),
          }),
        ],
      });
    };
    const factoryOf = (extension: ReturnType<typeof makeExtension>) => () => {
      const server = new McpServer({ name: "rules", version: "1" });
      attachExtension(server, extension, { settings: {}, services: {} });
      return server;
    };
    const human = ({ entries }: { entries: { name: string }[] }) => `${entries.length} entries: ${entries.map((entry) => entry.name).join(", ")}`;
    const failuresOf = async (extension: ReturnType<typeof makeExtension>, options: { toolsListBudgetBytes?: number } = {}) =>
      (await runConformance(extension, factoryOf(extension), { transports: ["memory"], ...options })).failures;

    it("passes a described extension with a human summary under budget, reporting the sizes", async () => {
      const extension = makeExtension({ described: true, render: human });
      const report = await runConformance(extension, factoryOf(extension), { transports: ["memory"] });
      expect(report.failures).toEqual([]);
      const budget = report.results.filter((result) => result.rule === "tools.list-budget");
      expect(budget.map((result) => result.message)).toEqual([
        expect.stringMatching(/^legacy\/memory plain: tools\/list is \d+ bytes \(\d+\.\d KB, budget 12288 bytes\)$/),
        expect.stringMatching(/^legacy\/memory declaring: tools\/list is \d+ bytes/),
        expect.stringMatching(/^modern\/memory plain: /),
        expect.stringMatching(/^modern\/memory declaring: /),
      ]);
      expect(report.results.filter((result) => result.rule === "schema.described" && result.ok)).toHaveLength(4);
    });

    it("fails a field without a description inside an array of objects, naming its path", async () => {
      const failures = await failuresOf(makeExtension({ described: false, render: human }));
      expect(failures).toEqual([{ rule: "schema.described", ok: false, message: "rules_list output: no description on entries[].tags" }]);
    });

    it("fails text that is the JSON of structuredContent, or any JSON object", async () => {
      const raw = await failuresOf(makeExtension({ described: true }));
      expect(raw.map((failure) => failure.rule)).toEqual(["tools.text-summary", "tools.text-summary"]);
      expect(raw[0]!.message).toContain("text is the JSON of structuredContent");
      const partial = await failuresOf(makeExtension({ described: true, render: ({ entries }) => JSON.stringify(entries) }));
      expect(partial.map((failure) => failure.message)).toEqual([expect.stringContaining("text is a JSON document"), expect.stringContaining("text is a JSON document")]);
    });

    it("fails a tools/list above the budget the caller passes, and above the 12 KB default", async () => {
      const small = makeExtension({ described: true, render: human });
      const overSmallBudget = await failuresOf(small, { toolsListBudgetBytes: 200 });
      expect(overSmallBudget.map((failure) => failure.rule)).toEqual(["tools.list-budget", "tools.list-budget", "tools.list-budget", "tools.list-budget"]);
      expect(overSmallBudget[0]!.message).toMatch(/budget 200 bytes/);
      const padded = await failuresOf(makeExtension({ described: true, render: human, padding: 1400 }));
      expect(padded).toHaveLength(4);
      expect(padded[0]!.message).toMatch(/tools\/list is 1\d{4} bytes .* budget 12288 bytes/);
    });
  });

  describe("portable schemas (schema.portable)", () => {
    const annotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
    const makeExtension = (portable: boolean) =>
      defineExtension({
        id: "com.example/portable",
        title: "Portable",
        description: "Exercises the portable-schema rule.",
        versions: ["1"],
        serverSettings: z.object({}),
        clientSettings: z.strictObject({}),
        negotiate: () => ({}),
        toolsets: { read: { description: "Reads.", default: true }, admin: { description: "Administration." } },
        tools: [
          defineTool({
            name: "portable_read",
            description: "Reads a value.",
            toolset: "read",
            input: z.object({ key: z.string().describe("Key.") }),
            output: z.object({
              mean: z.number().nullable().describe("Mean, null when withheld."),
              facts: z.record(z.string(), z.unknown()).describe("Free-form facts."),
              ...(portable ? {} : { raw: z.unknown().describe("Anything at all.") }),
            }),
            annotations,
            examples: [{ key: "a" }],
            render: () => "one value",
            handler: () => ({ mean: null, facts: { a: 1 }, ...(portable ? {} : { raw: 1 }) }),
          }),
          defineTool({
            name: "portable_admin",
            description: "Administers.",
            toolset: "admin",
            input: z.object(portable ? { note: z.string().describe("Note.") } : { note: z.any().describe("Note.") }),
            output: z.object({ ok: z.boolean().describe("Done.") }),
            annotations,
            examples: [{ note: "n" }],
            render: () => "done",
            handler: () => ({ ok: true }),
          }),
        ],
        prompts: [
          definePrompt({ name: "portable_admin_steps", description: "Administration steps.", toolset: "admin", args: z.object({}), examples: [{}], render: () => "Call portable_admin." }),
          definePrompt({ name: "portable_read_steps", description: "Reading steps.", toolset: "read", args: z.object({}), examples: [{}], render: () => "Call portable_read." }),
        ],
      });
    const reportOf = async (portable: boolean) => {
      const extension = makeExtension(portable);
      const factory = () => {
        const server = new McpServer({ name: "portable", version: "1" });
        attachExtension(server, extension, { settings: {}, services: {} });
        return server;
      };
      return runConformance(extension, factory, { transports: ["memory"] });
    };

    it("passes nullable numbers and free-form records (core lists them portably), served or not", async () => {
      const report = await reportOf(true);
      expect(report.failures).toEqual([]);
      expect(report.results.filter((result) => result.rule === "schema.portable").map((result) => result.message)).toEqual([
        "portable_admin inputSchema (toolset admin, not served): portable",
        "portable_admin outputSchema (toolset admin, not served): portable",
        "legacy portable_read inputSchema: portable",
        "legacy portable_read outputSchema: portable",
        "modern portable_read inputSchema: portable",
        "modern portable_read outputSchema: portable",
      ]);
      // The admin prompt is hidden and refused with its toolset named; the read prompt renders.
      const byRule = (rule: string) => report.results.filter((result) => result.rule === rule).map((result) => result.message);
      expect(byRule("toolsets.unselected-hidden")).toEqual(expect.arrayContaining(["legacy/memory prompt portable_admin_steps: ok", "modern/memory declaring prompt portable_admin_steps: ok"]));
      expect(byRule("prompts.renderable").join("\n")).not.toContain("portable_admin_steps");
      expect(byRule("prompts.renderable")).toContain("legacy/memory portable_read_steps#0: ok");
    });

    it("fails an untyped field in a served tool (both eras) and in a tool of a toolset not served, naming tool, schema, path and fix", async () => {
      const failures = (await reportOf(false)).failures;
      expect(failures.map((failure) => failure.rule)).toEqual(["schema.portable", "schema.portable", "schema.portable"]);
      expect(failures.map((failure) => failure.message)).toEqual([
        expect.stringMatching(/^portable_admin inputSchema \(toolset admin, not served\): untyped-schema at properties\.note \(declare what the value is/),
        expect.stringMatching(/^legacy portable_read outputSchema: untyped-schema at properties\.raw \(/),
        expect.stringMatching(/^modern portable_read outputSchema: untyped-schema at properties\.raw \(.*"additionalProperties": true/),
      ]);
    });
  });
});
