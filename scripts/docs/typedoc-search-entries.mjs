// TypeDoc plugin: the site search finds tools, resources, prompts, methods and settings under their
// own names and opens the vertical page at them. TypeDoc indexes a document only as a whole page, so
// a search for `fhir_read` would rank the healthcare page behind API symbols that mention it and open
// it at the top. scripts/docs/generate-catalogue.mjs lists what each vertical page documents in
// docs/generated/search-entries.json; after TypeDoc has written its index, this plugin rebuilds it with
// the same documents, field weights and boosts plus one row per entry whose URL is the entry's anchor
// (a heading's own id for bindings, the row anchor for settings).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync, inflateSync } from "node:zlib";
import { IndexEvent, ReflectionKind, RendererEvent } from "typedoc";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const ENTRIES_FILE = join(root, "docs", "generated", "search-entries.json");
/** Entries outrank the page and API symbols that merely mention the name. */
const ENTRY_BOOST = 10;
// The lunr that TypeDoc itself loads (a dependency of typedoc, not of this repository).
const lunr = createRequire(fileURLToPath(import.meta.resolve("typedoc")))("lunr");

/** `window.searchData = "<base64 deflate JSON>";` ⇄ { rows, index }. */
const decode = (script) => JSON.parse(inflateSync(Buffer.from(/window\.searchData = "([^"]*)"/.exec(script)[1], "base64")).toString("utf8"));
const encode = (data) => `window.searchData = "${deflateSync(Buffer.from(JSON.stringify(data))).toString("base64")}";`;

/** Headings of a rendered page in order: level, id and text. */
function headings(html) {
  return [...html.matchAll(/<h([1-6]) id="([^"]+)"[^>]*>([\s\S]*?)<\/h\1>/g)].map((match) => ({
    level: Number(match[1]),
    id: match[2],
    text: match[3].replace(/<[^>]+>/g, "").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").trim(),
  }));
}

/** The id of the heading named `name` inside the section headed `section` (the next `##` ends it). */
export function bindingAnchor(html, section, name) {
  const list = headings(html);
  const start = list.findIndex((heading) => heading.level === 2 && heading.text === section);
  if (start < 0) return undefined;
  for (const heading of list.slice(start + 1)) {
    if (heading.level <= 2) return undefined;
    if (heading.text === name) return heading.id;
  }
  return undefined;
}

/** The search data with one row and one lunr document per entry added after TypeDoc's own. */
export function withEntries({ rows, documents, weights, entries, outDir }) {
  const pageRows = new Map(rows.filter((row) => row.kind === ReflectionKind.Document).map((row) => [row.name, row]));
  const htmlOf = new Map();
  const builder = new lunr.Builder();
  builder.pipeline.add(lunr.trimmer);
  builder.ref("id");
  for (const [field, boost] of Object.entries(weights)) builder.field(field, { boost });
  for (const [document, attributes] of documents) builder.add(document, attributes);
  const added = [...rows];
  for (const entry of entries) {
    const pageRow = pageRows.get(entry.page);
    if (!pageRow) throw new Error(`search entries: no document titled "${entry.page}" in the site`);
    if (!htmlOf.has(pageRow.url)) htmlOf.set(pageRow.url, readFileSync(join(outDir, pageRow.url), "utf8"));
    const html = htmlOf.get(pageRow.url);
    const anchor = entry.anchor ?? bindingAnchor(html, entry.section, entry.name);
    if (!anchor || !html.includes(`id="${anchor}"`)) throw new Error(`search entries: ${pageRow.url} has no anchor for ${entry.kind} ${entry.name}`);
    builder.add({ id: added.length, name: entry.name, comment: `${entry.kind} ${entry.text}`, document: "" }, { boost: ENTRY_BOOST });
    added.push({ kind: ReflectionKind.Document, name: entry.name, url: `${pageRow.url}#${anchor}`, classes: "", parent: `${entry.page.replace(/ vertical$/, "")} ${entry.kind}s` });
  }
  return { rows: added, index: builder.build() };
}

/** @param {import("typedoc").Application} app */
export function load(app) {
  let documents = [];
  let weights = {};
  const originalAdd = lunr.Builder.prototype.add;
  app.renderer.on(RendererEvent.BEGIN, () => {
    documents = [];
    // Record what TypeDoc indexes, so the rebuilt index holds exactly the same documents.
    lunr.Builder.prototype.add = function add(document, attributes) {
      documents.push([document, attributes]);
      return originalAdd.call(this, document, attributes);
    };
    app.renderer.postRenderAsyncJobs.push(async (event) => {
      lunr.Builder.prototype.add = originalAdd;
      if (!existsSync(ENTRIES_FILE)) throw new Error(`${ENTRIES_FILE} is missing: run scripts/docs/generate-catalogue.mjs first`);
      const file = join(event.outputDirectory, "assets", "search.js");
      const { rows } = decode(readFileSync(file, "utf8"));
      if (rows.length !== documents.length) throw new Error(`search entries: TypeDoc indexed ${documents.length} documents for ${rows.length} rows; cannot rebuild its index`);
      const entries = JSON.parse(readFileSync(ENTRIES_FILE, "utf8"));
      writeFileSync(file, encode(withEntries({ rows, documents, weights, entries, outDir: event.outputDirectory })));
      app.logger.info(`search: ${entries.length} tools, resources, prompts, methods and settings indexed at their anchors`);
    });
  });
  app.renderer.on(IndexEvent.PREPARE_INDEX, (event) => {
    weights = { ...event.searchFieldWeights };
  });
}
