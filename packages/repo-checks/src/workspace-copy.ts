// A throwaway copy of the workspace in a temporary folder, for tests that change files (generate a
// vertical, run `changeset version`). The root node_modules is a symlink to the real one, and each
// package's node_modules is copied as the relative symlinks pnpm made, so links between workspace
// packages point inside the copy and nothing is installed or downloaded.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { repoRoot } from "./repo.js";

const ROOT_FILES = ["package.json", "pnpm-workspace.yaml", "tsconfig.base.json", "tsup.base.ts", "turbo.json", "LICENSE", "typedoc.json", "typedoc.base.json", "README.md"];
const SKIPPED = new Set([".vitest", ".turbo", ".vite", ".vite-temp", ".tools", "results"]);

export interface WorkspaceCopy {
  root: string;
  remove(): void;
}

/** Copies the root config, scripts/, .changeset/ and the named packages (with their dist). */
export function copyWorkspace(packages: string[]): WorkspaceCopy {
  const root = mkdtempSync(join(tmpdir(), "mcp-verticals-ws-"));
  for (const file of ROOT_FILES) if (existsSync(join(repoRoot, file))) cpSync(join(repoRoot, file), join(root, file));
  cpSync(join(repoRoot, "scripts"), join(root, "scripts"), { recursive: true });
  if (existsSync(join(repoRoot, ".changeset"))) cpSync(join(repoRoot, ".changeset"), join(root, ".changeset"), { recursive: true });
  symlinkSync(join(repoRoot, "node_modules"), join(root, "node_modules"), "dir");
  mkdirSync(join(root, "packages"));
  for (const folder of packages) {
    const source = join(repoRoot, "packages", folder);
    cpSync(source, join(root, "packages", folder), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (path) => !relative(source, path).split(/[\\/]/).some((part) => SKIPPED.has(part)),
    });
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Gives a package of the copy the same dependency links as another (same dependencies). */
export function linkModulesLike(root: string, folder: string, like: string) {
  cpSync(join(root, "packages", like, "node_modules"), join(root, "packages", folder, "node_modules"), {
    recursive: true,
    verbatimSymlinks: true,
    filter: (path) => !SKIPPED.has(path.split(/[\\/]/).at(-1)!),
  });
}

/** Packages present in the real workspace. */
export const workspacePackages = () => readdirSync(join(repoRoot, "packages")).filter((folder) => existsSync(join(repoRoot, "packages", folder, "package.json")));
