#!/usr/bin/env node
// Packs a vertical as an MCP Bundle (.mcpb) for the platform it runs on. A bundle carries its
// node_modules, and better-sqlite3's native binary only runs on the platform and architecture it was
// built for, so every bundle is built on its own platform (the release workflow runs this on Linux,
// macOS and Windows) and its manifest claims exactly that platform.
//
// Steps (staging shared with the consumer test: scripts/lib/stage-tarballs.mjs): `pnpm pack` the
// vertical and @mcp-verticals/core; install both tarballs with plain npm into a staging folder
// (production dependencies only, install scripts off); copy in the better-sqlite3 binary the
// workspace install built or downloaded for this platform; write the bundle manifest with
// `compatibility.platforms: [<this platform>]`; `mcpb pack`.
//
// Usage: node scripts/pack-bundle.mjs <vertical folder> [--out <dir>]   (default out: bundles/)
// Prints the bundle's path on stdout. Needs the packages built.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { installTarballs, packWorkspacePackage, runOrThrow } from "./lib/stage-tarballs.mjs";

const root = resolve(fileURLToPath(import.meta.url), "..", "..");
const folder = process.argv[2];
const outIndex = process.argv.indexOf("--out");
const outDir = resolve(outIndex > 0 ? process.argv[outIndex + 1] : join(root, "bundles"));
if (!folder || !existsSync(join(root, "packages", folder, "manifest.json"))) {
  console.error("usage: node scripts/pack-bundle.mjs <vertical folder with a manifest.json> [--out <dir>]");
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), `mcpb-${folder}-`));
try {
  const tarballs = join(work, "tarballs");
  mkdirSync(tarballs);
  const own = packWorkspacePackage(root, folder, tarballs);
  const core = packWorkspacePackage(root, "core", tarballs);

  // The bundle root is the vertical's own package (dist, manifest, README, LICENSE) plus node_modules.
  const stage = join(work, "stage");
  mkdirSync(stage);
  runOrThrow("tar", ["-xzf", own, "-C", work], root);
  cpSync(join(work, "package"), stage, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(stage, "package.json"), "utf8"));
  // Production dependencies only; core from its tarball, since it is not on the registry yet.
  manifest.dependencies = { ...manifest.dependencies, "@mcp-verticals/core": `file:${core}` };
  delete manifest.devDependencies;
  writeFileSync(join(stage, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  // The better-sqlite3 binary comes from the workspace install (same version, this platform).
  installTarballs(root, stage, ["--omit=dev", "--no-package-lock"]);

  // The bundle manifest (kept in the package folder, not in the npm tarball) claims the one
  // platform the bundle's native module was built for.
  const bundleManifest = JSON.parse(readFileSync(join(root, "packages", folder, "manifest.json"), "utf8"));
  bundleManifest.compatibility = { ...bundleManifest.compatibility, platforms: [process.platform] };
  writeFileSync(join(stage, "manifest.json"), `${JSON.stringify(bundleManifest, null, 2)}\n`);

  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${bundleManifest.name}-${bundleManifest.version}-${process.platform}-${process.arch}.mcpb`);
  const checksRequire = createRequire(join(root, "packages", "repo-checks", "package.json"));
  const mcpb = join(checksRequire.resolve("@anthropic-ai/mcpb"), "..", "cli", "cli.js");
  runOrThrow(process.execPath, [mcpb, "pack", stage, file], root);
  process.stdout.write(`${file}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
