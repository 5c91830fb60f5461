#!/usr/bin/env node
// Makes the built docs site readable by agents: next to every HTML page of docs-site/ it writes a
// markdown version (`<page>.md`), and at the root `llms.txt` (an index in the llmstxt.org format) and
// `llms-full.txt` (every guide and vertical page in one file). Guides and generated vertical pages are
// exported from their markdown sources; API pages are converted from TypeDoc's HTML.
//
// Usage (after TypeDoc): node scripts/docs/export-markdown.mjs [--root <repo>] [--site <dir>]
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'", nbsp: " ", apos: "'" };
const decode = (text) =>
  text.replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (whole, name) => {
    if (ENTITIES[name.toLowerCase()] !== undefined) return ENTITIES[name.toLowerCase()];
    if (name.startsWith("#x")) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return whole;
  });

/** Front matter fields and the body of a markdown document. */
export function splitFrontMatter(text) {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (!match) return { fields: {}, body: text };
  const fields = Object.fromEntries(
    match[1]
      .split("\n")
      .map((line) => /^(\w+):\s*(.*)$/.exec(line))
      .filter(Boolean)
      .map((parts) => [parts[1], parts[2].replace(/^["']|["']$/g, "")]),
  );
  return { fields, body: text.slice(match[0].length) };
}

/** A rough but faithful HTML → markdown conversion of a TypeDoc page's main column. */
export function htmlToMarkdown(html) {
  const start = html.indexOf('<div class="col-content">');
  let body = start >= 0 ? html.slice(start) : html;
  const end = body.indexOf('<div class="col-sidebar">');
  if (end >= 0) body = body.slice(0, end);
  body = body
    .replace(/<script[\s\S]*?<\/script>/gi, "")
    .replace(/<svg[\s\S]*?<\/svg>/gi, "")
    .replace(/<pre[^>]*><code[^>]*>([\s\S]*?)<\/code>(?:<button[\s\S]*?<\/button>)?<\/pre>/gi, (_whole, code) => `\n\n\`\`\`\n${decode(code.replace(/<br\s*\/?>/gi, "\n").replace(/<[^>]+>/g, ""))}\n\`\`\`\n\n`)
    .replace(/<h([1-6])[^>]*>([\s\S]*?)<\/h\1>/gi, (_whole, level, text) => `\n\n${"#".repeat(Number(level))} ${text.replace(/<[^>]+>/g, "").trim()}\n\n`)
    .replace(/<a [^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_whole, href, text) => {
      const label = text.replace(/<[^>]+>/g, "").trim();
      if (!label) return "";
      const target = href.startsWith("http") || href.startsWith("#") ? href : href.replace(/\.html(#|$)/, ".md$1");
      return `[${label}](${target})`;
    })
    .replace(/<code[^>]*>([\s\S]*?)<\/code>/gi, (_whole, code) => `\`${code.replace(/<[^>]+>/g, "")}\``)
    .replace(/<li[^>]*>/gi, "\n- ")
    .replace(/<(br|hr)\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|section|ul|ol|table|tr|h\d)>/gi, "\n")
    .replace(/<\/t[dh]>/gi, " | ")
    .replace(/<[^>]+>/g, "");
  return `${decode(body)
    .split("\n")
    .map((line) => line.replace(/\s+$/, ""))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim()}\n`;
}

function htmlFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "assets" ? [] : htmlFiles(path);
    return name.endsWith(".html") ? [path] : [];
  });
}

const titleOf = (html) => decode(/<title>([\s\S]*?)<\/title>/.exec(html)?.[1] ?? "").replace(/ \| mcp-verticals$/, "").trim();

/** Source markdown pages by title: the landing page, the guides and the generated vertical pages. */
function sourcePages(root) {
  const pages = [];
  const add = (file, section) => {
    const { fields, body } = splitFrontMatter(readFileSync(file, "utf8"));
    const markdown = body.replace(/<!--[\s\S]*?-->\n?/g, "").trim();
    const title = fields.title ?? /^#\s+(.*)$/m.exec(markdown)?.[1] ?? file;
    const summary = markdown
      .split("\n\n")
      .map((paragraph) => paragraph.trim())
      .find((paragraph) => paragraph && !paragraph.startsWith("#") && !paragraph.startsWith("|") && !paragraph.startsWith("```"));
    pages.push({ file, title, section, markdown: `${markdown}\n`, summary: summary?.replace(/\s+/g, " ").slice(0, 200) ?? "" });
  };
  add(join(root, "docs", "index.md"), "Overview");
  for (const folder of ["guides", "generated"]) {
    const dir = join(root, "docs", folder);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).filter((file) => file.endsWith(".md")).sort()) {
      const file = join(dir, name);
      const group = splitFrontMatter(readFileSync(file, "utf8")).fields.group;
      add(file, group ?? (folder === "guides" ? "Guides" : "Verticals"));
    }
  }
  return pages;
}

/** Writes the markdown versions, llms.txt and llms-full.txt; returns what it wrote. */
export function exportMarkdown({ root, site = join(root, "docs-site") }) {
  if (!existsSync(join(site, "index.html"))) throw new Error(`${site} has no index.html; build the site first`);
  const sources = sourcePages(root);
  const byTitle = new Map(sources.map((page) => [page.title, page]));
  const written = [];
  const apiPages = [];
  for (const file of htmlFiles(site)) {
    const html = readFileSync(file, "utf8");
    const path = relative(site, file).split("\\").join("/");
    const title = titleOf(html);
    const source = path === "index.html" ? sources[0] : path.startsWith("documents/") ? byTitle.get(title) : undefined;
    const target = file.replace(/\.html$/, ".md");
    writeFileSync(target, source ? source.markdown : htmlToMarkdown(html));
    written.push(path.replace(/\.html$/, ".md"));
    if (source) source.path = path.replace(/\.html$/, ".md");
    else if (/^modules\/|^modules\.md/.test(path) || path === "modules.html") apiPages.push({ title, path: path.replace(/\.html$/, ".md") });
  }
  const lines = ["# mcp-verticals", ""];
  // Links between sources point at markdown files in docs/; point them at the exported pages instead.
  const sitePathOf = new Map(sources.filter((page) => page.path).map((page) => [page.file, page.path]));
  for (const page of sources) {
    if (!page.path) continue;
    const depth = page.path.split("/").length - 1;
    const rewritten = page.markdown.replace(/\]\((?!https?:|#|mailto:)([^)#\s]+\.md)(#[^)]*)?\)/g, (whole, link, anchor = "") => {
      const target = sitePathOf.get(resolve(page.file, "..", link));
      return target ? `](${"../".repeat(depth)}${target}${anchor})` : whole;
    });
    writeFileSync(join(site, page.path), rewritten);
    page.markdown = rewritten;
  }
  lines.push(
    "> Domain extensions for the Model Context Protocol (healthcare FHIR R4, finance, education) built on one extension core that defines, negotiates (2025 and 2026-07-28 protocol eras), gates and serves them. Every page of this site has a markdown version: replace `.html` with `.md`.",
    "",
  );
  const sections = new Map();
  for (const page of sources) {
    if (!page.path) continue;
    if (!sections.has(page.section)) sections.set(page.section, []);
    sections.get(page.section).push(`- [${page.title}](${page.path})${page.summary ? `: ${page.summary}` : ""}`);
  }
  for (const [section, entries] of sections) lines.push(`## ${section}`, "", ...entries, "");
  if (apiPages.length) {
    lines.push("## API reference", "", ...apiPages.map((page) => `- [${page.title}](${page.path})`), "");
  }
  lines.push("## Optional", "", "- [Everything in one file](llms-full.txt): the overview, the guides and every vertical page.", "");
  writeFileSync(join(site, "llms.txt"), lines.join("\n"));
  writeFileSync(join(site, "llms-full.txt"), sources.map((page) => page.markdown).join("\n\n---\n\n"));
  return { written, pages: sources.length };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argument = (name, fallback) => {
    const index = process.argv.indexOf(name);
    return index > 0 ? process.argv[index + 1] : fallback;
  };
  const root = resolve(argument("--root", join(fileURLToPath(import.meta.url), "..", "..", "..")));
  const site = resolve(argument("--site", join(root, "docs-site")));
  const { written, pages } = exportMarkdown({ root, site });
  console.error(`markdown: ${written.length} pages (${pages} from sources), llms.txt and llms-full.txt in ${relative(process.cwd(), site) || "."}`);
}
