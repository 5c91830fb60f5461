// The runtime matrix runs every `*.e2e.test.ts` file again on Node 24 (scripts/test-node24.mjs), so
// a test that drives a server or client over a real transport must carry that name to be in it.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./repo.js";

/** What makes a test end-to-end: a spawned process, a real HTTP socket, or the SDK v1 client. */
const END_TO_END = [
  /from "node:child_process"[^\n]*\bspawn\b|\bspawn\(/,
  /\bStdioClientTransport\b/,
  /\bStreamableHTTPClientTransport\b|\bSSEClientTransport\b/,
  /\bserveHttp\(/,
  /from "@modelcontextprotocol\/sdk\//,
];

function testFiles(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", "dist", ".vitest", "__fixtures__"].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) testFiles(path, found);
    else if (entry.name.endsWith(".test.ts")) found.push(relative(repoRoot, path));
  }
  return found;
}

describe("test layout", () => {
  const files = readdirSync(join(repoRoot, "packages")).flatMap((folder) => {
    try {
      return testFiles(join(repoRoot, "packages", folder, "src"));
    } catch {
      return [];
    }
  });

  it("names every test that drives a real transport *.e2e.test.ts, so the Node 24 run covers it", () => {
    const unmarked = files.filter((file) => !file.endsWith(".e2e.test.ts") && END_TO_END.some((pattern) => pattern.test(readFileSync(join(repoRoot, file), "utf8"))));
    expect(unmarked, "rename these to *.e2e.test.ts").toEqual([]);
  });

  it("has end-to-end files in every package that ships a bin", () => {
    const withBin = readdirSync(join(repoRoot, "packages")).filter((folder) => {
      try {
        return Boolean(JSON.parse(readFileSync(join(repoRoot, "packages", folder, "package.json"), "utf8")).bin);
      } catch {
        return false;
      }
    });
    expect(withBin.length).toBeGreaterThan(0);
    for (const folder of withBin) expect(files.some((file) => file.startsWith(`packages/${folder}/`) && file.endsWith(".e2e.test.ts")), folder).toBe(true);
  });
});
