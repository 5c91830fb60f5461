#!/usr/bin/env node
// Keeps each vertical's MCP Bundle manifest listing exactly the tools its extension defines:
// new tools are added with the first sentence of their description, removed ones dropped,
// existing entries kept as written. Run after building: `node scripts/sync-manifests.mjs`.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { findExtension } from "./docs/generate-catalogue.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const firstSentence = (text) => (text.match(/^.*?[.!?](?=\s|$)/s)?.[0] ?? text).replace(/\s+/g, " ").trim();

let changed = 0;
for (const folder of ["healthcare", "finance", "education", "template"]) {
  const manifestPath = join(root, "packages", folder, "manifest.json");
  const entry = join(root, "packages", folder, "dist", "index.js");
  if (!existsSync(manifestPath) || !existsSync(entry)) continue;
  const extension = findExtension(await import(pathToFileURL(entry).href));
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  const existing = new Map((manifest.tools ?? []).map((tool) => [tool.name, tool]));
  const tools = extension.tools.map((tool) => existing.get(tool.name) ?? { name: tool.name, description: firstSentence(tool.description) });
  if (JSON.stringify(tools) === JSON.stringify(manifest.tools)) continue;
  manifest.tools = tools;
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  changed++;
  console.error(`updated ${folder}/manifest.json (${tools.length} tools)`);
}
if (changed === 0) console.error("manifests already list every tool");
