import { memoryStateStore } from "@mcp-verticals/core";
import { describe, expect, it } from "vitest";
import { ExportWriter, MAX_PART_BYTES, readExportFile } from "./export-files.js";

describe("ExportWriter", () => {
  it("keeps every resource across part boundaries: the files hold exactly what was added", async () => {
    const state = memoryStateStore();
    const writer = new ExportWriter(state, "0123456789abcdef0123456789abcdef", Date.now() + 60_000);
    const padding = "x".repeat(2000);
    // Enough resources of one type for several parts, and a second type with a single part.
    const count = Math.ceil((3 * MAX_PART_BYTES) / 2000) + 7;
    for (let n = 0; n < count; n++) await writer.add("Observation", { resourceType: "Observation", id: `obs-${n}`, note: padding });
    await writer.add("Patient", { resourceType: "Patient", id: "p-1" });
    const manifest = await writer.publish({ owner: "u1", phiMode: "limited", transactionTime: new Date().toISOString(), request: "$export" });

    const observationFiles = manifest.files.filter((file) => file.type === "Observation");
    expect(observationFiles.length).toBeGreaterThanOrEqual(3);
    expect(manifest.files.reduce((sum, file) => sum + file.count, 0)).toBe(count + 1);
    const ids: string[] = [];
    for (const file of observationFiles) {
      const read = await readExportFile(state, manifest.exportId, file.url.split("/").at(-1)!);
      const lines = read!.ndjson.trimEnd().split("\n").map((line) => (JSON.parse(line) as { id: string }).id);
      expect(lines).toHaveLength(file.count);
      expect(Buffer.byteLength(read!.ndjson)).toBeLessThanOrEqual(MAX_PART_BYTES);
      ids.push(...lines);
    }
    expect(ids).toEqual(Array.from({ length: count }, (_, n) => `obs-${n}`));
  });
});
