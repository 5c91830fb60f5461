// Where the repository is, which packages it has, and a way to run its commands.
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The monorepo root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** Where the docs build for these tests goes (never the real docs-site/). */
export const siteDir = join(repoRoot, "packages", "repo-checks", ".vitest", "site");
/** The result of the docs build made by the global setup. */
export const siteBuildReport = join(repoRoot, "packages", "repo-checks", ".vitest", "site-build.json");

/** Folders under packages/ that are verticals: everything but core and repo-checks. */
export function verticalFolders(root = repoRoot): string[] {
  return readdirSync(join(root, "packages"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !["core", "repo-checks"].includes(entry.name))
    .filter((entry) => existsSync(join(root, "packages", entry.name, "package.json")))
    .map((entry) => entry.name)
    .sort();
}

/** A package's package.json. */
export function manifestOf(folder: string, root = repoRoot): Record<string, any> {
  return JSON.parse(readFileSync(join(root, "packages", folder, "package.json"), "utf8"));
}

/** Public packages (not private), by folder. */
export function publicFolders(root = repoRoot): string[] {
  return readdirSync(join(root, "packages"))
    .filter((folder) => existsSync(join(root, "packages", folder, "package.json")))
    .filter((folder) => !manifestOf(folder, root).private)
    .sort();
}

export interface RunResult {
  status: number | null;
  output: string;
}

/** Runs a command to completion and returns its exit status and combined output. */
export function run(command: string, args: string[], options: SpawnSyncOptions = {}): RunResult {
  const result = spawnSync(command, args, {
    cwd: repoRoot,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    ...options,
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", ...options.env },
  });
  return { status: result.status, output: `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? String(result.error) : ""}` };
}
