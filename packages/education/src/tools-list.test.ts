import { toolErrorOf } from "@mcp-verticals/core";
import { connectInProcess } from "@mcp-verticals/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { EDUCATION_EXTENSION_ID, educationExtension } from "./extension.js";
import { testRuntime } from "./__fixtures__/harness.js";

const BUDGET = 12 * 1024;
const OVERVIEW = ["edu_whoami", "edu_list_classes", "edu_list_roster", "edu_list_work", "edu_gradebook_summary"];

describe("tools/list a model can afford", () => {
  const byDefault = testRuntime({ toolsets: undefined });
  const wider = testRuntime({ toolsets: ["default", "details", "grading"] });
  afterAll(async () => {
    await byDefault.close();
    await wider.close();
  });

  for (const era of ["legacy", "modern"] as const) {
    for (const declaring of [false, true]) {
      it(`serves the overview toolset by default within ${BUDGET} bytes (${era}, ${declaring ? "declaring" : "plain"} client)`, async () => {
        const { client, close } = await connectInProcess(() => byDefault.createServer(), { era, ...(declaring ? { extensions: { [EDUCATION_EXTENSION_ID]: { versions: ["2026-12-01"] } } } : {}) });
        const { tools } = await client.listTools();
        const bytes = Buffer.byteLength(JSON.stringify({ tools }));
        console.log(`education default tools/list (${era}, ${declaring ? "declaring" : "plain"}): ${tools.length} tools, ${bytes} bytes`);
        expect(tools.map((tool) => tool.name).sort()).toEqual([...OVERVIEW].sort());
        expect(bytes).toBeLessThanOrEqual(BUDGET);
        await close();
      });
    }
  }

  it("refuses a tool outside the served toolsets with a typed error naming the toolset", async () => {
    const { client, close } = await connectInProcess(() => byDefault.createServer(), { era: "modern" });
    const result = await client.callTool({ name: "edu_get_class", arguments: { classSourcedId: "cls-alg1-a" } });
    expect(result.isError).toBe(true);
    const error = toolErrorOf(result);
    expect(error?.code).toBe("TOOLSET_NOT_ENABLED");
    expect(error?.data).toMatchObject({ toolset: "details" });
    await close();
  });

  it("serves what the operator selects, and every tool belongs to a declared toolset", async () => {
    const { client, close } = await connectInProcess(() => wider.createServer(), { era: "legacy" });
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    const expected = educationExtension.tools.filter((tool) => ["overview", "details", "grading"].includes(tool.toolset ?? "")).map((tool) => tool.name);
    expect(names.sort()).toEqual(expected.sort());
    expect(names).toHaveLength(11);
    expect(await client.callTool({ name: "edu_get_class", arguments: { classSourcedId: "cls-alg1-a" } })).not.toHaveProperty("isError", true);
    for (const tool of educationExtension.tools) expect(Object.keys(educationExtension.toolsets)).toContain(tool.toolset);
    await close();
  });
});
