import { runConformance } from "@mcp-verticals/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { educationExtension } from "./extension.js";
import { ALL_WRITES, testRuntime } from "./__fixtures__/harness.js";

const schemaFile = fileURLToPath(new URL("../schema.json", import.meta.url));

describe("conformance", () => {
  const runtime = testRuntime({ settings: ALL_WRITES });
  const byDefault = testRuntime({ settings: ALL_WRITES, toolsets: undefined });
  afterAll(async () => {
    await runtime.close();
    await byDefault.close();
  });

  it("passes runConformance on the default toolsets, the tools/list budget included", async () => {
    const report = await runConformance(educationExtension, () => byDefault.createServer(), { schemaFile });
    expect(report.failures).toEqual([]);
    const budget = report.results.filter((result) => result.rule === "tools.list-budget");
    console.log(budget.map((result) => `education ${result.message}`).join("\n"));
    expect(budget).toHaveLength(4);
  });

  it("passes runConformance with every toolset served, in both eras over memory and HTTP", async () => {
    const report = await runConformance(educationExtension, () => runtime.createServer(), {
      schemaFile,
      // The 12 KB budget is for the default toolsets (the test above); every toolset is an opt-in.
      skip: ["tools.list-budget"],
    });
    expect(report.failures).toEqual([]);
    expect(report.passed).toBeGreaterThan(40);
  });
});
