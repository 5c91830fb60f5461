#!/usr/bin/env node
// The list of verticals, generated from the workspace: every package under packages/ whose
// package.json carries the `mcpVertical` marker ({ title, summary, maintainer }). The landing page
// (docs/index.md) and the root README.md hold a generated block between two marker comments; this
// script rewrites those blocks, and with --check only reports (exit 1) when one is out of date.
//
// Usage: node scripts/docs/verticals.mjs [--check] [--root <repo>]
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The package.json key that makes a package a vertical. */
export const VERTICAL_MARKER = "mcpVertical";
const BEGIN = "<!-- verticals:begin (generated from the workspace by scripts/docs/verticals.mjs; do not edit) -->";
const END = "<!-- verticals:end -->";

/** Every vertical of the workspace, by folder name, with what its marker and manifest say. */
export function workspaceVerticals(root) {
  const packages = join(root, "packages");
  return readdirSync(packages, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packages, entry.name, "package.json")))
    .map((entry) => ({ folder: entry.name, manifest: JSON.parse(readFileSync(join(packages, entry.name, "package.json"), "utf8")) }))
    .filter(({ manifest }) => manifest[VERTICAL_MARKER] && typeof manifest[VERTICAL_MARKER] === "object")
    .map(({ folder, manifest }) => {
      const marker = manifest[VERTICAL_MARKER];
      for (const key of ["title", "summary", "maintainer"]) {
        if (typeof marker[key] !== "string" || !marker[key].trim()) throw new Error(`packages/${folder}/package.json: ${VERTICAL_MARKER}.${key} must be a non-empty string`);
      }
      const bins = typeof manifest.bin === "string" ? [manifest.name.split("/").at(-1)] : Object.keys(manifest.bin ?? {});
      return { folder, name: manifest.name, private: manifest.private === true, bins, title: marker.title, summary: marker.summary, maintainer: marker.maintainer };
    })
    .sort((a, b) => Number(a.private) - Number(b.private) || a.folder.localeCompare(b.folder));
}

/** The name of a vertical's docs page in the site (TypeDoc names documents after their title). */
export const verticalPageName = (vertical) => `${vertical.title}_vertical`;

const cell = (text) => String(text).replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

/** The generated table, with links that work where it is embedded. */
export function verticalsTable(verticals, { where }) {
  const rows = verticals.map((vertical) => {
    const page = where === "site" ? `[${vertical.title}](generated/${vertical.folder}.md)` : `[${vertical.title}](packages/${vertical.folder})`;
    const pkg = vertical.private ? `\`${vertical.name}\` (private, from a clone)` : `\`${vertical.name}\``;
    const bin = vertical.bins.length ? vertical.bins.map((bin) => `\`${bin}\``).join(", ") : "";
    return `| ${page} | ${pkg} | ${cell(vertical.summary)} | ${bin} |`;
  });
  return ["| Vertical | Package | For | Reference server |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

/** A text with its generated block replaced; throws when the markers are missing. */
export function withVerticalsBlock(text, table, where) {
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`${where}: no generated verticals block (${BEGIN} … ${END})`);
  return `${text.slice(0, begin)}${BEGIN}\n${table}\n${text.slice(end)}`;
}

/** The files that carry the block, and how their links are written. */
export const BLOCK_FILES = [
  { file: join("docs", "index.md"), where: "site" },
  { file: "README.md", where: "repo" },
];

/** Rewrites (or checks) every block; returns the files that were (or would be) changed. */
export function syncVerticals({ root, check = false }) {
  const verticals = workspaceVerticals(root);
  const stale = [];
  for (const { file, where } of BLOCK_FILES) {
    const path = join(root, file);
    if (!existsSync(path)) continue;
    const text = readFileSync(path, "utf8");
    const next = withVerticalsBlock(text, verticalsTable(verticals, { where }), file);
    if (next !== text) {
      stale.push(file);
      if (!check) writeFileSync(path, next);
    }
  }
  return stale;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const index = process.argv.indexOf("--root");
  const root = resolve(index > 0 ? process.argv[index + 1] : join(fileURLToPath(import.meta.url), "..", "..", ".."));
  const check = process.argv.includes("--check");
  const stale = syncVerticals({ root, check });
  if (check && stale.length) {
    console.error(`the list of verticals is out of date in ${stale.join(", ")}; run node scripts/docs/verticals.mjs`);
    process.exit(1);
  }
  console.error(check ? "lists of verticals match the workspace" : `lists of verticals: ${stale.length} file(s) rewritten`);
}
