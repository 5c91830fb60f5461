// Staging the packages as a user's install gets them: `pnpm pack` a workspace package (its
// workspace: ranges resolved), install tarballs with plain npm (install scripts off, so nothing is
// downloaded or compiled), and copy in better-sqlite3's native binary from the workspace install
// (same version, built for this platform and Node), which the skipped install script would have
// fetched. Used by scripts/pack-bundle.mjs (a bundle's node_modules) and
// packages/repo-checks/src/consumer.test.ts (a consumer's first install).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

/** Runs a command to completion and returns its stdout; throws with its output when it fails. */
export function runOrThrow(command, args, cwd) {
  // npm would otherwise treat a staging folder under a workspace as part of it.
  const result = spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, shell: process.platform === "win32", env: { ...process.env, npm_config_workspaces: "false" } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? String(result.error) : ""}`);
  return result.stdout;
}

/** Packs `packages/<folder>` of the workspace at `root` with pnpm into `into`; returns the tarball's path. */
export function packWorkspacePackage(root, folder, into) {
  runOrThrow("pnpm", ["pack", "--pack-destination", into], join(root, "packages", folder));
  const name = JSON.parse(readFileSync(join(root, "packages", folder, "package.json"), "utf8")).name;
  const prefix = `${name.replace("@", "").replace("/", "-")}-`;
  const tarball = readdirSync(into).find((file) => file.startsWith(prefix) && file.endsWith(".tgz"));
  if (!tarball) throw new Error(`no tarball for packages/${folder}`);
  return join(into, tarball);
}

/**
 * `npm install` in `project` (its package.json names the tarballs as `file:` dependencies), with
 * install scripts off, then better-sqlite3's workspace binary copied in. `args` are extra npm flags.
 */
export function installTarballs(root, project, args = []) {
  runOrThrow("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error", ...args], project);
  copyWorkspaceSqliteBinary(root, project);
}

/** Copies the workspace's better-sqlite3 binary into `project`'s node_modules, when the project has that module. */
export function copyWorkspaceSqliteBinary(root, project) {
  const installed = join(project, "node_modules", "better-sqlite3");
  if (!existsSync(installed)) return;
  const version = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")).version;
  const workspace = join(createRequire(join(root, "packages", "core", "package.json")).resolve("better-sqlite3/package.json"), "..");
  const workspaceVersion = JSON.parse(readFileSync(join(workspace, "package.json"), "utf8")).version;
  const binary = join(workspace, "build", "Release", "better_sqlite3.node");
  if (workspaceVersion !== version || !existsSync(binary)) throw new Error(`better-sqlite3 ${version} is not built in the workspace for ${process.platform}-${process.arch}`);
  mkdirSync(join(installed, "build", "Release"), { recursive: true });
  copyFileSync(binary, join(installed, "build", "Release", "better_sqlite3.node"));
}
