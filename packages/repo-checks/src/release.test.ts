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
    // The first line of each pending changeset (the rehearsal's included), by package name: what the CHANGELOG must say.
    const pending = new Map<string, string[]>();
    for (const file of readdirSync(join(workspace.root, ".changeset")).filter((name) => name.endsWith(".md") && name !== "README.md")) {
      const text = readFileSync(join(workspace.root, ".changeset", file), "utf8");
      const [, front = "", body = ""] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text) ?? [];
      const firstLine = body.trim().split("\n")[0]!.trim();
      for (const match of front.matchAll(/"([^"]+)":/g)) pending.set(match[1]!, [...(pending.get(match[1]!) ?? []), firstLine]);
    }
    const result = run(join(repoRoot, "node_modules", ".bin", "changeset"), ["version"], { cwd: workspace.root, env: binPath });
    expect(result.status, result.output).toBe(0);
    for (const folder of publics) {
      const after = manifestIn(workspace.root, folder).version;
      expect(after, folder).not.toBe(before.get(folder));
      const changelog = readFileSync(join(workspace.root, "packages", folder, "CHANGELOG.md"), "utf8");
      expect(changelog, folder).toContain(`## ${after}`);
      // Real entries: every pending changeset of the package is written into its CHANGELOG.
      for (const line of pending.get(manifestIn(workspace.root, folder).name) ?? []) expect(changelog, folder).toContain(line);
      expect(pending.get(manifestIn(workspace.root, folder).name)?.length ?? 0, `${folder} has changesets`).toBeGreaterThan(0);
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
