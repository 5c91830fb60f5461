import { runConformance } from "@mcp-verticals/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { educationExtension } from "./extension.js";
import { ALL_WRITES, testRuntime } from "./__fixtures__/harness.js";

describe("conformance", () => {
  const runtime = testRuntime({ settings: ALL_WRITES });
  afterAll(() => runtime.close());

  it("passes runConformance in both eras over memory and HTTP", async () => {
    const report = await runConformance(educationExtension, () => runtime.createServer(), {
      schemaFile: fileURLToPath(new URL("../schema.json", import.meta.url)),
      // This runtime serves every toolset so every example runs; the default list (12,061 bytes) is checked by tools-list.test.ts.
      skip: ["tools.list-budget"],
    });
    expect(report.failures).toEqual([]);
    expect(report.passed).toBeGreaterThan(40);
  });
});
