// The lists of verticals in README.md and on the landing page are generated from the workspace
// (packages whose package.json carries the mcpVertical marker), never kept by hand.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { manifestOf, repoRoot } from "./repo.js";

interface Vertical {
  folder: string;
  name: string;
  title: string;
  summary: string;
  maintainer: string;
}
const script = join(repoRoot, "scripts", "docs", "verticals.mjs");
const load = async () =>
  (await import(script)) as {
    workspaceVerticals(root: string): Vertical[];
    syncVerticals(options: { root: string; check: boolean }): string[];
  };

describe("generated lists of verticals", () => {
  it("README.md and docs/index.md hold the list the workspace gives (run node scripts/docs/verticals.mjs)", async () => {
    const { syncVerticals } = await load();
    expect(syncVerticals({ root: repoRoot, check: true })).toEqual([]);
  });

  it("names every package that ships a reference server bin and an extension, and nothing else", async () => {
    const { workspaceVerticals } = await load();
    const verticals = workspaceVerticals(repoRoot);
    expect(verticals.map((vertical) => vertical.folder).sort()).toEqual(["education", "finance", "healthcare", "template"]);
    for (const vertical of verticals) {
      expect(manifestOf(vertical.folder).bin, vertical.folder).toBeTruthy();
      expect(vertical.maintainer.trim().length, `${vertical.folder}: mcpVertical.maintainer`).toBeGreaterThan(0);
    }
    for (const file of ["README.md", join("docs", "index.md")]) {
      const text = readFileSync(join(repoRoot, file), "utf8");
      for (const vertical of verticals) expect(text, file).toContain(`\`${vertical.name}\``);
    }
  });

  it("refuses a marker without a summary, so a list row is never empty", async () => {
    const { workspaceVerticals } = await load();
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const root = mkdtempSync(join(tmpdir(), "verticals-list-"));
    try {
      mkdirSync(join(root, "packages", "zoo"), { recursive: true });
      writeFileSync(join(root, "packages", "zoo", "package.json"), JSON.stringify({ name: "@x/zoo", mcpVertical: { title: "Zoo", maintainer: "someone" } }));
      expect(() => workspaceVerticals(root)).toThrow(/mcpVertical\.summary must be a non-empty string/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
