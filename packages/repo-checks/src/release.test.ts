// The release flow of docs/guides/releasing.md, rehearsed on a copy of the workspace: changesets
// for every public package, `changeset version`, then every public package packed with pnpm and its
// tarball checked (no workspace: ranges, README and LICENSE, publint --strict, attw). Nothing is published.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publicFolders, repoRoot, run } from "./repo.js";
import { copyWorkspace, workspacePackages, type WorkspaceCopy } from "./workspace-copy.js";

const manifestIn = (root: string, folder: string) => JSON.parse(readFileSync(join(root, "packages", folder, "package.json"), "utf8"));
const binPath = { PATH: `${join(repoRoot, "node_modules", ".bin")}:${process.env.PATH}` };

describe("release dry run", () => {
  let workspace: WorkspaceCopy;
  const publics = publicFolders();
  const before = new Map<string, string>();

  beforeAll(() => {
    workspace = copyWorkspace(workspacePackages().filter((folder) => existsSync(join(repoRoot, "packages", folder, "dist")) || folder === "repo-checks"));
    for (const folder of workspacePackages()) before.set(folder, manifestIn(workspace.root, folder).version);
    const names = publics.map((folder) => manifestIn(workspace.root, folder).name as string);
    writeFileSync(
      join(workspace.root, ".changeset", "release-dry-run.md"),
      `---\n${names.map((name) => `"${name}": patch`).join("\n")}\n---\n\nRelease rehearsal.\n`,
    );
  });
  afterAll(() => workspace?.remove());

  it("has public packages to release, and every private one stays private", () => {
    expect(publics).toContain("core");
    expect(publics).not.toContain("template");
    expect(publics).not.toContain("repo-checks");
  });

  it("versions every public package with changeset version and consumes the changesets", () => {
    const result = run(join(repoRoot, "node_modules", ".bin", "changeset"), ["version"], { cwd: workspace.root, env: binPath });
    expect(result.status, result.output).toBe(0);
    for (const folder of publics) {
      const after = manifestIn(workspace.root, folder).version;
      expect(after, folder).not.toBe(before.get(folder));
      expect(readFileSync(join(workspace.root, "packages", folder, "CHANGELOG.md"), "utf8"), folder).toContain(`## ${after}`);
    }
    expect(manifestIn(workspace.root, "template").version).toBe(before.get("template"));
    expect(readdirSync(join(workspace.root, ".changeset")).filter((file) => file.endsWith(".md") && file !== "README.md")).toEqual([]);
  });

  it("packs every public package into a clean tarball (no workspace: ranges, README, LICENSE, publint, attw)", () => {
    const failures: string[] = [];
    for (const folder of publics) {
      const result = run(process.execPath, [join(workspace.root, "scripts", "check-package.mjs")], { cwd: join(workspace.root, "packages", folder), env: binPath });
      if (result.status !== 0) failures.push(`${folder}:\n${result.output.slice(-2000)}`);
    }
    expect(failures).toEqual([]);
  });

  it("leaves the real workspace untouched", () => {
    for (const folder of publics) expect(manifestIn(repoRoot, folder).version).toBe(before.get(folder));
  });
});
