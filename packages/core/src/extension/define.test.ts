import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineExtension } from "./define.js";
import { defineMethod, defineTool } from "./bindings.js";
import { extensionJsonSchema, extensionJsonSchemaText, isJsonSchemaFresh } from "./json-schema.js";
import { weatherExtension } from "../__fixtures__/weather-extension.js";

const base = {
  id: "com.example/test",
  title: "Test",
  description: "A test extension.",
  versions: ["1"],
  serverSettings: z.object({}),
  clientSettings: z.strictObject({}),
  negotiate: () => ({}),
};
const annotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
const tool = (name: string, output: z.ZodObject = z.object({ ok: z.boolean() })) =>
  defineTool({ name, description: "d", input: z.object({}), output, annotations, handler: () => ({ ok: true }) as never });

describe("defineExtension validates at definition time", () => {
  it("rejects reserved and malformed ids", () => {
    expect(() => defineExtension({ ...base, id: "io.modelcontextprotocol/test" })).toThrow(/reserved/);
    expect(() => defineExtension({ ...base, id: "no-slash" })).toThrow(/Invalid extension id/);
  });
  it("rejects duplicate tool names and method verbs", () => {
    expect(() => defineExtension({ ...base, tools: [tool("a_tool"), tool("a_tool")] })).toThrow(/duplicate tool name "a_tool"/);
    const method = defineMethod({ verb: "go", description: "d", params: z.object({}), result: z.object({}), handler: () => ({}) });
    expect(() => defineExtension({ ...base, methods: [method, method] })).toThrow(/duplicate method verb "go"/);
  });
  it("rejects bad tool names, empty versions and schemas JSON Schema cannot express", () => {
    expect(() => defineExtension({ ...base, tools: [tool("has space")] })).toThrow(/tool name/);
    expect(() => defineExtension({ ...base, versions: [] })).toThrow(/at least one version/);
    expect(() => defineExtension({ ...base, tools: [tool("dated", z.object({ at: z.date() }))] })).toThrow(/cannot be expressed as JSON Schema/);
  });
  it("names the latest version and method names", () => {
    const stats = defineMethod({ verb: "stats", description: "d", params: z.object({}), result: z.object({}), handler: () => ({}) });
    const extension = defineExtension({ ...base, versions: ["1.2", "1.10", "1.9"], methods: [stats] });
    expect(extension.latestVersion).toBe("1.10");
    expect(extension.methodName("stats")).toBe("com.example/test/stats");
  });
});

describe("extension JSON Schema export", () => {
  it("covers settings, tools, methods and prompts, deterministically", () => {
    const document = extensionJsonSchema(weatherExtension) as { $defs: Record<string, { properties?: Record<string, unknown> }> };
    expect(Object.keys(document.$defs)).toEqual(
      expect.arrayContaining(["serverSettings", "clientSettings", "tool.weather_forecast.input", "tool.weather_forecast.output", "method.stations.params", "prompt.weather_brief.args"]),
    );
    expect(document.$defs["clientSettings"]?.properties).toHaveProperty("units");
    const text = extensionJsonSchemaText(weatherExtension);
    expect(isJsonSchemaFresh(weatherExtension, text)).toBe(true);
    expect(isJsonSchemaFresh(weatherExtension, text.replace("units", "unitz"))).toBe(false);
  });
});
