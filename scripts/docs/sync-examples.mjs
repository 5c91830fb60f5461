#!/usr/bin/env node
// Copies the checked example files into the guides, so every code block a reader sees is a file
// the repo-checks package typechecks and runs. In a guide, a marker line names the file and the
// fenced block right after it is replaced with that file's text:
//
//   <!-- example: packages/repo-checks/src/examples/weather-extension.ts -->
//   ```ts
//   …replaced…
//   ```
//
// Usage: node scripts/docs/sync-examples.mjs [--check] [--root <repo>]
// --check writes nothing and exits 1 when a guide is out of date.
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const MARKER = /^<!-- example: (\S+) -->$/;
const LANGUAGE = { ts: "ts", mts: "ts", js: "js", mjs: "js", json: "json", sh: "sh", yaml: "yaml", yml: "yaml" };

/** The guide text with every marked block replaced by its example file. Throws on a marker without a block. */
export function syncGuide(root, text, where) {
  const lines = text.split("\n");
  const out = [];
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index];
    out.push(line);
    const match = MARKER.exec(line.trim());
    if (!match) continue;
    const file = join(root, match[1]);
    if (!existsSync(file)) throw new Error(`${where}:${index + 1}: example ${match[1]} does not exist`);
    const opening = lines[index + 1] ?? "";
    if (!/^```/.test(opening)) throw new Error(`${where}:${index + 1}: the example marker must be followed by a fenced block`);
    let closing = index + 2;
    while (closing < lines.length && !/^```\s*$/.test(lines[closing])) closing += 1;
    if (closing >= lines.length) throw new Error(`${where}:${index + 2}: unclosed fenced block`);
    const extension = match[1].split(".").at(-1);
    out.push("```" + (LANGUAGE[extension] ?? ""), ...readFileSync(file, "utf8").trimEnd().split("\n"), "```");
    index = closing;
  }
  return out.join("\n");
}

/** The hand-written pages: docs/index.md and docs/guides/*.md (not the generated pages). */
export function guideFiles(root) {
  const guides = readdirSync(join(root, "docs", "guides"))
    .filter((file) => file.endsWith(".md"))
    .sort()
    .map((file) => join(root, "docs", "guides", file));
  return [join(root, "docs", "index.md"), ...guides];
}

/** Syncs (or checks) every guide; returns the files that were (or would be) changed. */
export function syncExamples({ root, check = false }) {
  const stale = [];
  for (const file of guideFiles(root)) {
    const text = readFileSync(file, "utf8");
    const synced = syncGuide(root, text, file);
    if (synced !== text) {
      stale.push(file);
      if (!check) writeFileSync(file, synced);
    }
  }
  return stale;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const index = process.argv.indexOf("--root");
  const root = resolve(index > 0 ? process.argv[index + 1] : join(fileURLToPath(import.meta.url), "..", "..", ".."));
  const check = process.argv.includes("--check");
  const stale = syncExamples({ root, check });
  if (check && stale.length) {
    console.error(`guides out of date with their examples: ${stale.join(", ")}; run node scripts/docs/sync-examples.mjs`);
    process.exit(1);
  }
  console.error(check ? "guides match their examples" : `synced ${stale.length} guide(s)`);
}
