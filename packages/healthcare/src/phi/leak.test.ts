import { afterAll, describe, it } from "vitest";
import { createHarness } from "../__fixtures__/harness.js";
import { runLeakScan } from "../__fixtures__/leak-scan.js";

/**
 * Runs every tool, resource and prompt of a de-identified session over the whole synthetic corpus,
 * keeps every byte the client received (content text, structuredContent, resource text, errors),
 * and scans it for every direct identifier in the corpus (see `runLeakScan`).
 */
describe.each([
  ["legacy", "safe-harbor"],
  ["modern", "safe-harbor"],
  ["modern", "limited"],
] as const)("leak scan (%s, %s)", (era, mode) => {
  const harness = createHarness();
  afterAll(() => harness.close());

  it("finds no identifier the mode forbids in any output", async () => {
    await runLeakScan(await harness.connect(era, { acceptPhi: mode }), mode);
  }, 60_000);
});
