// The release workflow publishes every public package, each in its own job with npm provenance,
// so adding a public package without a publish job (or a private one with one) fails here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { manifestOf, publicFolders, repoRoot } from "./repo.js";

const workflow = readFileSync(join(repoRoot, ".github", "workflows", "release.yml"), "utf8");
/** Top-level jobs and their text, split on two-space-indented keys under `jobs:`. */
const jobs = new Map(
  [...workflow.slice(workflow.indexOf("\njobs:\n")).matchAll(/^ {2}([\w-]+):\n((?: {4}.*\n|\s*\n)*)/gm)].map((match) => [match[1]!, match[2]!]),
);

describe(".github/workflows/release.yml", () => {
  it("versions through changesets on pushes to main", () => {
    expect(workflow).toMatch(/on:\n\s+push:\n\s+branches: \[main\]/);
    expect(jobs.get("version")).toContain("changesets/action@v1");
  });

  it.each(publicFolders())("publishes %s in its own job, packed with pnpm, with npm provenance", (folder) => {
    const job = jobs.get(`publish-${folder}`);
    expect(job, `no publish-${folder} job`).toBeDefined();
    expect(job).toContain("id-token: write");
    expect(job).toContain(`--filter=${manifestOf(folder).name}`);
    expect(job).toContain("pnpm pack");
    expect(job).toMatch(/npm publish .*--provenance --access public/);
    expect(workflow).toContain(`${folder}: \${{ steps.unpublished.outputs.${folder} }}`);
  });

  it("has no publish job for a private or missing package", () => {
    const published = [...jobs.keys()].filter((name) => name.startsWith("publish-")).map((name) => name.slice("publish-".length));
    expect(published.sort()).toEqual(publicFolders().sort());
  });

  it("builds an MCP Bundle per public vertical on each platform, after the versions are tagged", () => {
    const job = jobs.get("bundles");
    expect(job, "no bundles job").toBeDefined();
    expect(job).toMatch(/needs: \[version, tag\]/);
    expect(job).toContain("os: [ubuntu-latest, macos-latest, windows-latest]");
    const verticals = /vertical: \[([^\]]*)\]/.exec(job!)?.[1]?.split(",").map((name) => name.trim()) ?? [];
    expect(verticals.sort()).toEqual(publicFolders().filter((name) => name !== "core").sort());
    expect(job).toContain("node scripts/pack-bundle.mjs ${{ matrix.vertical }}");
  });

  it("publishes the verticals after core, their peer dependency", () => {
    for (const folder of publicFolders().filter((name) => name !== "core")) expect(jobs.get(`publish-${folder}`)).toMatch(/needs: \[version, publish-core\]/);
  });
});
