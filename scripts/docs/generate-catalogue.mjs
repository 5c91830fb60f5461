#!/usr/bin/env node
// Writes docs/generated/<vertical>.md for every vertical package with a built dist: the settings
// tables and the tool/resource/prompt/method catalogue come from the zod schemas of the exported
// extension definition (through core's JSON Schema export), never from hand-copied text. Also
// writes docs/generated/changelogs.md from every package's CHANGELOG.md.
//
// Usage: node scripts/docs/generate-catalogue.mjs [--root <repo>] [--out <dir>]
// Packages without dist/index.js are skipped with a warning (build them first).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import { tierRow, tiersTable } from "./tiers.mjs";
import { workspaceVerticals } from "./verticals.mjs";
import { captureExchanges, readableJson } from "./wire.mjs";

/** Folder names of the vertical packages under packages/ (those with the mcpVertical marker). */
export function verticalFolders(root) {
  return workspaceVerticals(root)
    .map((vertical) => vertical.folder)
    .sort();
}

/** The one exported extension definition of a module, or undefined. */
export function findExtension(module) {
  const found = Object.values(module).filter(
    (value) =>
      value &&
      typeof value === "object" &&
      typeof value.id === "string" &&
      value.serverSettings &&
      value.clientSettings &&
      Array.isArray(value.tools) &&
      Array.isArray(value.resources) &&
      Array.isArray(value.prompts) &&
      Array.isArray(value.methods),
  );
  return found.length === 1 ? found[0] : undefined;
}

/**
 * Markdown-safe prose: outside code spans, the characters TypeDoc's markdown (markdown-it) would
 * read as emphasis, links, HTML, entities or escapes are backslash-escaped; code spans stay as written.
 */
export function escapeText(text) {
  return String(text)
    .replace(/\r?\n+/g, " ")
    .split(/(`+[^`]*?`+)/)
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/[\\*_[\]<>~|]/g, "\\$&").replace(/&(?=#?\w+;)/g, "\\&")))
    .join("")
    .trim();
}

/**
 * Makes formatted cell markdown safe inside a table row: markdown-it's table parser reads `\|` as a
 * literal `|` and drops that one backslash, whatever precedes it, so every `|` (code spans included)
 * gets one more backslash. Applied exactly once per cell; a regex pattern keeps its backslashes.
 */
export const tableSafe = (cell) => String(cell).replace(/\|/g, "\\|");

/** A code span that holds any text: the fence is longer than the longest run of backticks inside. */
export function code(text) {
  const value = String(text);
  const longest = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = value.startsWith("`") || value.endsWith("`") ? " " : "";
  return `${fence}${pad}${value}${pad}${fence}`;
}

/** A short type description of a JSON Schema node, for a table cell. */
export function describeType(schema) {
  if (!schema || typeof schema !== "object") return "any";
  if (schema.const !== undefined) return code(JSON.stringify(schema.const));
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => code(JSON.stringify(value))).join(" | ");
  if (Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf)) {
    return (schema.anyOf ?? schema.oneOf).map(describeType).join(" | ");
  }
  if (schema.$ref) return code(String(schema.$ref).split("/").at(-1));
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type;
  const bounds = [];
  if (schema.minimum !== undefined) bounds.push(`≥ ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) bounds.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined) bounds.push(`≤ ${schema.maximum}`);
  if (schema.minLength !== undefined) bounds.push(`length ≥ ${schema.minLength}`);
  if (schema.maxLength !== undefined) bounds.push(`length ≤ ${schema.maxLength}`);
  if (schema.minItems !== undefined) bounds.push(`≥ ${schema.minItems} items`);
  if (schema.maxItems !== undefined) bounds.push(`≤ ${schema.maxItems} items`);
  if (schema.format) bounds.push(schema.format);
  if (schema.pattern) bounds.push(`pattern ${code(schema.pattern)}`);
  let text;
  if (type === "array") text = `${describeType(schema.items)}[]`.replace(/^(.* \| .*)\[\]$/, "($1)[]");
  else if (type === "object") text = "object";
  else text = type ?? "any";
  return bounds.length ? `${text} (${bounds.join(", ")})` : text;
}

/** An HTML id for a field path (`a.b`, `a[].b`) under a prefix, e.g. `server-setting-approval.modes`. */
export const fieldAnchor = (prefix, path) => `${prefix}${path.replace(/\[\]/g, "").replace(/[^A-Za-z0-9_.-]/g, "-")}`;

/** Rows for an object schema's properties, nested objects and arrays of objects flattened into paths. */
function propertyRows(schema, withDefault, prefix = "", depth = 0, anchorPrefix = undefined) {
  const properties = schema?.properties ?? {};
  const required = new Set(schema?.required ?? []);
  return Object.entries(properties).flatMap(([name, property]) => {
    const path = `${prefix}${name}`;
    const hasDefault = property.default !== undefined;
    // Settings rows carry an anchor, so the site search can open the page at the field.
    const anchor = anchorPrefix === undefined ? "" : `<a id="${fieldAnchor(anchorPrefix, path)}"></a>`;
    const cells = [`${anchor}${code(path)}`, describeType(property), required.has(name) && !hasDefault ? "yes" : "no"];
    if (withDefault) {
      const text = hasDefault ? JSON.stringify(property.default) : "";
      cells.push(text ? code(text.length > 60 ? `${text.slice(0, 57)}...` : text) : "");
    }
    cells.push(escapeText(property.description ?? ""));
    const row = `| ${cells.map(tableSafe).join(" | ")} |`;
    // Fields of nested objects and of arrays of objects, as `a.b` and `a[].b`, three levels deep.
    const items = property.type === "array" && property.items?.type === "object" && property.items.properties ? property.items : undefined;
    const nested =
      depth >= 2 ? [] : property.type === "object" && property.properties ? propertyRows(property, withDefault, `${path}.`, depth + 1, anchorPrefix) : items ? propertyRows(items, withDefault, `${path}[].`, depth + 1, anchorPrefix) : [];
    return [row, ...nested];
  });
}

/** A markdown table of an object schema's properties: field, type, required, default, description. */
export function propertiesTable(schema, { withDefault = true, anchorPrefix = undefined } = {}) {
  const rows = propertyRows(schema, withDefault, "", 0, anchorPrefix);
  if (rows.length === 0) return "_No fields._\n";
  const header = withDefault
    ? "| Field | Type | Required | Default | Description |\n| --- | --- | --- | --- | --- |"
    : "| Field | Type | Required | Description |\n| --- | --- | --- | --- |";
  return `${header}\n${rows.join("\n")}\n`;
}

const plural = (count, word) => `${count} ${word}${count === 1 ? "" : "s"}`;

const annotationWords = (annotations = {}) =>
  [
    annotations.readOnlyHint ? "read-only" : "writes",
    annotations.destructiveHint ? "destructive" : "non-destructive",
    annotations.idempotentHint ? "idempotent" : "not idempotent",
    annotations.openWorldHint ? "open world" : "closed world",
  ].join(", ");

const gating = (binding, defaultGated) =>
  (binding.requiresClientExtension ?? defaultGated) ? "requires the client to declare the extension (`-32021` otherwise)" : "callable without declaring the extension";

/** The toolset line of a tool, resource or prompt that joins one: it is served only when the operator selects it. */
const toolsetLine = (binding, extension) => {
  if (binding.toolset === undefined) return [];
  const served = extension.toolsets[binding.toolset]?.default ? "served by default" : `served when the operator selects it, e.g. \`--toolsets default,${binding.toolset}\``;
  return [`- Toolset: ${code(binding.toolset)} (${served})`];
};

/** Headings one level deeper (and never above `###`), for embedding a document in a section. */
function demote(markdown, levels = 2) {
  let fenced = false;
  return markdown
    .split("\n")
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
      if (fenced) return line;
      const match = /^(#{1,6})\s+(.*)$/.exec(line);
      return match ? `${"#".repeat(Math.min(6, match[1].length + levels))} ${match[2]}` : line;
    })
    .join("\n");
}

/** Drops front matter and turns relative links (which would dangle in the site) into plain text. */
function embeddable(markdown) {
  return markdown
    .replace(/^---\n[\s\S]*?\n---\n/, "")
    .replace(/\[([^\]]+)\]\((?!https?:|mailto:|#)[^)]+\)/g, "$1")
    .trim();
}

/**
 * The vertical's reference server with its embedded data, as a factory: built from its runtime
 * (`create<Name>Runtime()`, whose `createServer` shares one set of services) where the package has
 * one, otherwise `create<Name>Server()`. Undefined when it exports neither.
 */
async function referenceServer(module) {
  const names = Object.keys(module).filter((name) => typeof module[name] === "function");
  const runtimeName = names.find((name) => /^create\w*Runtime$/.test(name) && !/Task/.test(name));
  if (runtimeName) {
    const runtime = await module[runtimeName]();
    if (typeof runtime?.createServer === "function") return { factory: () => runtime.createServer(), close: () => runtime.close?.() };
  }
  const serverName = names.find((name) => /^create\w*Server$/.test(name));
  return serverName ? { factory: () => module[serverName](), close: async () => undefined } : undefined;
}

/**
 * The JSON-RPC exchange of the official client with the vertical's reference server over HTTP, in
 * both eras: a declaring client connects and calls `toolName` with its first example. Undefined
 * when the server or the client cannot be loaded (the page then says so).
 */
async function wireExchange(root, factory, extension, core, toolName) {
  const tool = extension.tools.find((candidate) => candidate.name === toolName);
  if (!factory || !tool) return undefined;
  const requireFrom = createRequire(join(root, "packages", "repo-checks", "package.json"));
  const official = await import(pathToFileURL(requireFrom.resolve("@modelcontextprotocol/client")).href);
  return captureExchanges({
    modules: { serveHttp: core.serveHttp, Client: official.Client, StreamableHTTPClientTransport: official.StreamableHTTPClientTransport },
    factory,
    identity: { name: extension.id, title: extension.title, version: "0.0.0", description: extension.title.slice(0, 100) },
    declaration: { [extension.id]: { versions: [...extension.versions] } },
    call: { name: tool.name, arguments: tool.examples[0] },
  });
}

/** What a line of the exchange is, for its caption. */
function caption(entry) {
  const message = entry.send ?? entry.receive;
  if (entry.send) return message.method ? `The client sends \`${message.method}\`${message.id === undefined ? " (a notification)" : ""}:` : "The client answers:";
  if (message.method) return `The server sends \`${message.method}\`:`;
  return message.error ? `The server answers with error \`${message.error.code}\`:` : "The server answers:";
}

/** The markdown of a recorded exchange. */
function exchangeSection(eras, toolName) {
  const out = ["## On the wire", ""];
  out.push(
    `The JSON-RPC messages of a full negotiation and one \`${toolName}\` call, **recorded in the docs build** from the official`,
    "TypeScript client and this reference server over stateless HTTP on 127.0.0.1 (long strings and lists shortened).",
    "Every message is POSTed to the MCP endpoint with `Content-Type: application/json` and",
    "`Accept: application/json, text/event-stream`. A client in any language can follow it.",
    "",
  );
  for (const [era, recorded] of Object.entries(eras)) {
    out.push(`### ${era === "2025" ? "2025 era: declared once in `initialize`" : "2026-07-28 era: `server/discover`, then the declaration on every request"}`, "");
    out.push(`Negotiated protocol version: \`${recorded.protocolVersion ?? "unknown"}\`.`, "");
    for (const entry of recorded.exchange) out.push(caption(entry), "", "```json", readableJson(entry.send ?? entry.receive), "```", "");
  }
  return out;
}

/**
 * Runs each tool's first example against the vertical's reference server in process (embedded
 * backend, a client that declares the extension with empty settings, 2026-07-28 era) and returns the
 * structured results by tool name. A tool whose example cannot run is simply left without output.
 */
async function workedExamples(factory, extension, coreTestingEntry) {
  const results = new Map();
  if (!factory || !coreTestingEntry) return results;
  const { connectInProcess } = await import(pathToFileURL(coreTestingEntry).href);
  let connection;
  try {
    connection = await connectInProcess(factory, { era: "modern", extensions: { [extension.id]: {} } });
    for (const tool of extension.tools) {
      if (!tool.examples?.length) continue;
      try {
        const result = await connection.client.callTool({ name: tool.name, arguments: tool.examples[0] });
        if (!result.isError && result.structuredContent) results.set(tool.name, result.structuredContent);
      } catch {
        // No output for this tool; its example arguments are still documented.
      }
    }
  } catch {
    // The server needs configuration to start; the catalogue is still complete without outputs.
  } finally {
    await connection?.close?.().catch(() => undefined);
  }
  return results;
}

/** JSON for a docs page, cut at a readable size. */
function boundedJson(value, limit = 1500) {
  const text = JSON.stringify(value, null, 2);
  return text.length <= limit ? text : `${text.slice(0, limit)}\n… (truncated)`;
}

/** The markdown page of one vertical. */
export async function verticalPage(root, folder) {
  const dir = join(root, "packages", folder);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const module = await import(pathToFileURL(join(dir, "dist", "index.js")).href);
  const extension = findExtension(module);
  if (!extension) throw new Error(`${manifest.name}: dist/index.js exports no single extension definition`);
  const coreEntry = [join(dir, "node_modules", "@mcp-verticals", "core", "dist", "index.js"), join(root, "packages", "core", "dist", "index.js")].find(existsSync);
  if (!coreEntry) throw new Error("@mcp-verticals/core has no dist; build it first");
  const core = await import(pathToFileURL(coreEntry).href);
  const defs = core.extensionJsonSchema(extension).$defs;
  const testingEntry = coreEntry.replace(/index\.js$/, "testing.js");
  const reference = await referenceServer(module).catch(() => undefined);
  let worked, wire, wireTool, tier;
  try {
    // Every toolset, so a tool outside the defaults still shows its example's result.
    const everyToolset = reference?.factory && core.selectingToolsets ? core.selectingToolsets(reference.factory, ["all"]) : reference?.factory;
    worked = await workedExamples(everyToolset, extension, existsSync(testingEntry) ? testingEntry : undefined);
    // The exchange shows the first tool whose example ran (a read a plain deployment serves).
    wireTool = extension.tools.find((tool) => worked.has(tool.name))?.name;
    // A capture that fails is a broken server or client: the docs build fails rather than drop the section.
    wire = wireTool ? await wireExchange(root, reference?.factory, extension, core, wireTool) : undefined;
    tier = await tierRow({ packageDir: dir, manifest, extension, factory: reference?.factory, testingEntry: existsSync(testingEntry) ? testingEntry : undefined });
  } finally {
    await reference?.close();
  }
  const bins = Object.keys(typeof manifest.bin === "string" ? { [manifest.name]: manifest.bin } : (manifest.bin ?? {}));
  const title = `${folder.charAt(0).toUpperCase()}${folder.slice(1)}`;
  const out = [];
  out.push("---", `title: ${title} vertical`, "group: Verticals", "---", "");
  out.push(`# ${title}: ${extension.title}`, "");
  out.push(
    `<!-- Generated by scripts/docs/generate-catalogue.mjs from ${manifest.name}'s zod schemas. Do not edit. -->`,
    "",
  );
  out.push(escapeText(extension.description), "");
  out.push("| | |", "| --- | --- |");
  out.push(`| Package | ${code(manifest.name)}${manifest.private ? " (private, not published)" : ""} |`);
  out.push(`| Extension id | ${code(extension.id)} |`);
  out.push(`| Versions | ${extension.versions.map(code).join(", ")} |`);
  if (bins.length) out.push(`| Reference server | ${bins.map(code).join(", ")} |`);
  out.push(
    `| Bindings | ${plural(extension.tools.length, "tool")}, ${plural(extension.resources.length, "resource")}, ${plural(extension.prompts.length, "prompt")}, ${plural(extension.methods.length, "method")} |`,
    "",
  );
  if (bins.length) {
    out.push("## Quickstart", "");
    out.push("**From a clone** (Node ≥ 20.19 and npm; `npm run demo` installs pnpm and the dependencies and builds everything once):", "", "```sh");
    out.push("git clone https://github.com/mcp-verticals/mcp-verticals.git && cd mcp-verticals", "npm run demo");
    out.push(`npm run serve -- ${folder}                # stdio, for Claude Desktop, MCP Inspector and other hosts`);
    out.push(`npm run serve -- ${folder} --http 3000    # stateless Streamable HTTP on http://127.0.0.1:3000/mcp`, "```", "");
    if (manifest.private) {
      out.push(`**From npm:** not available. ${code(manifest.name)} is private and never published; run it from a clone.`, "");
    } else {
      out.push("**From npm** (once the package is released; the same flags):", "", "```sh");
      out.push(`npx -y -p ${manifest.name} ${bins[0]}`, `npx -y -p ${manifest.name} ${bins[0]} --http 3000`, "```", "");
    }
    out.push(`Every flag: \`npm run serve -- ${folder} --help\` (from a clone) or \`${bins[0]} --help\`.`, "");
  }

  out.push("## Settings", "");
  out.push(`### Server settings`, "", `Advertised under \`capabilities.extensions["${extension.id}"]\`.`, "");
  out.push(propertiesTable(defs.serverSettings, { anchorPrefix: "server-setting-" }));
  out.push(`### Client settings`, "", `Declared by a client under \`capabilities.extensions["${extension.id}"]\`.`, "");
  out.push(propertiesTable(defs.clientSettings, { anchorPrefix: "client-setting-" }));

  out.push("## Tools", "");
  if (extension.tools.length === 0) out.push("_None._", "");
  for (const tool of extension.tools) {
    out.push(`### ${tool.name}`, "");
    if (tool.title) out.push(`**${escapeText(tool.title)}.** ${escapeText(tool.description)}`, "");
    else out.push(escapeText(tool.description), "");
    out.push(`- Annotations: ${annotationWords(tool.annotations)}`);
    out.push(`- Gating: ${gating(tool, false)}`, ...toolsetLine(tool, extension));
    if (tool.maxOutputBytes) out.push(`- Output bounded to ${tool.maxOutputBytes} bytes`);
    out.push("", "Input:", "", propertiesTable(defs[`tool.${tool.name}.input`]));
    out.push("Output (`structuredContent`):", "", propertiesTable(defs[`tool.${tool.name}.output`], { withDefault: false }));
    if (tool.examples?.length) out.push("Example arguments:", "", "```json", JSON.stringify(tool.examples[0], null, 2), "```", "");
    if (worked.has(tool.name)) {
      out.push("Result against the embedded demo data (`structuredContent`, produced when these docs were built):", "", "```json", boundedJson(worked.get(tool.name)), "```", "");
    }
  }

  out.push("## Resources", "");
  if (extension.resources.length === 0) out.push("_None._", "");
  for (const resource of extension.resources) {
    out.push(`### ${resource.name}`, "");
    out.push(escapeText(resource.description), "");
    out.push(`- URI${resource.uri.includes("{") ? " template" : ""}: ${code(resource.uri)}`);
    out.push(`- MIME type: ${code(resource.mimeType)}`);
    out.push(`- Gating: ${gating(resource, false)}`, ...toolsetLine(resource, extension));
    if (resource.example) out.push(`- Example: ${code(resource.example)}`);
    out.push("");
  }

  out.push("## Prompts", "");
  if (extension.prompts.length === 0) out.push("_None._", "");
  for (const prompt of extension.prompts) {
    out.push(`### ${prompt.name}`, "");
    out.push(escapeText(prompt.description), "");
    out.push(`- Gating: ${gating(prompt, false)}`, ...toolsetLine(prompt, extension), "", "Arguments:", "", propertiesTable(defs[`prompt.${prompt.name}.args`]));
  }

  out.push("## Methods", "");
  if (extension.methods.length === 0) out.push("_None._", "");
  for (const method of extension.methods) {
    const name = `${extension.id}/${method.verb}`;
    out.push(`### ${method.verb}`, "");
    out.push(`JSON-RPC method ${code(name)}. ${escapeText(method.description)}`, "");
    out.push(`- Gating: ${gating(method, true)}`, "", "Params:", "", propertiesTable(defs[`method.${method.verb}.params`]));
    out.push("Result:", "", propertiesTable(defs[`method.${method.verb}.result`], { withDefault: false }));
  }

  if (wire) out.push(...exchangeSection(wire, wireTool));

  const spec = join(dir, "specification", "draft.md");
  if (existsSync(spec)) {
    out.push("## Specification (draft)", "", "The normative text, from `specification/draft.md`:", "");
    out.push(demote(embeddable(readFileSync(spec, "utf8"))), "");
  }
  return { title, extension, tier, searchEntries: searchEntries(title, extension, defs), text: `${out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n` };
}

/** Field paths of an object schema, as the settings tables list them (nested and array fields included). */
function fieldPaths(schema, prefix = "", depth = 0) {
  return Object.entries(schema?.properties ?? {}).flatMap(([name, property]) => {
    const path = `${prefix}${name}`;
    const items = property.type === "array" && property.items?.type === "object" && property.items.properties ? property.items : undefined;
    const nested =
      depth >= 2 ? [] : property.type === "object" && property.properties ? fieldPaths(property, `${path}.`, depth + 1) : items ? fieldPaths(items, `${path}[].`, depth + 1) : [];
    return [{ path, description: property.description ?? "" }, ...nested];
  });
}

/**
 * What the site search indexes under its own name for one vertical page (scripts/docs/typedoc-search-entries.mjs
 * adds these to TypeDoc's index): every tool, resource, prompt and method under the heading of its
 * section, and every settings field at its row's anchor.
 */
function searchEntries(title, extension, defs) {
  const page = `${title} vertical`;
  const binding = (kind, section, name, text) => ({ page, kind, section, name, text: String(text ?? "") });
  return [
    ...extension.tools.map((tool) => binding("tool", "Tools", tool.name, `${tool.title ?? ""} ${tool.description}`)),
    ...extension.resources.map((resource) => binding("resource", "Resources", resource.name, `${resource.uri} ${resource.description}`)),
    ...extension.prompts.map((prompt) => binding("prompt", "Prompts", prompt.name, prompt.description)),
    ...extension.methods.map((method) => binding("method", "Methods", method.verb, `${extension.id}/${method.verb} ${method.description}`)),
    ...[
      ["server", defs.serverSettings],
      ["client", defs.clientSettings],
    ].flatMap(([side, schema]) =>
      fieldPaths(schema).map(({ path, description }) => ({
        page,
        kind: `${side} setting`,
        section: `${side === "server" ? "Server" : "Client"} settings`,
        name: path,
        anchor: fieldAnchor(`${side}-setting-`, path),
        text: description,
      })),
    ),
  ];
}

/** The extension tier table page (see scripts/docs/tiers.mjs for what each column measures). */
export function tiersPage(rows) {
  const out = ["---", "title: Extension tiers", "group: Verticals", "---", "", "# Extension tiers", ""];
  out.push("<!-- Generated by scripts/docs/generate-catalogue.mjs from real runs. Do not edit. -->", "");
  out.push(
    "How far each vertical is specified and proven, computed when the docs are built: the specification's coverage of",
    "the extension's bindings; core's conformance kit (`runConformance`) run against the reference server in both",
    "protocol eras during the build; and the outcome of the proof test files each package names in",
    "`mcpVertical.proofs` of its `package.json`, read from its last test run (with that run's date). A proof that",
    "did not run in the build's test run says so; nothing here is typed in by hand.",
    "",
  );
  out.push(tiersTable(rows));
  out.push(
    "- **Replicas**: three replicas of the bin on one PostgreSQL behind a round-robin proxy (approvals single-use, idempotent writes once, one audit chain).",
    "- **Independent backend**: the vertical against an implementation this project did not write (Medplum's FHIR server, the OneRoster 1.2 OpenAPI description and an xAPI client library, hledger).",
    "- **Official suite**: the official MCP conformance suite's scenarios against the vertical's server.",
    "",
  );
  return `${out.join("\n").trimEnd()}\n`;
}

/** The page that gathers every package's changelog. */
export function changelogsPage(root) {
  const packages = readdirSync(join(root, "packages")).filter((folder) => existsSync(join(root, "packages", folder, "CHANGELOG.md"))).sort();
  const out = ["---", "title: Changelogs", "group: Project", "---", "", "# Changelogs", ""];
  out.push("<!-- Generated by scripts/docs/generate-catalogue.mjs from each package's CHANGELOG.md. Do not edit. -->", "");
  for (const folder of packages) {
    const text = readFileSync(join(root, "packages", folder, "CHANGELOG.md"), "utf8");
    const body = embeddable(text).replace(/^#\s+.*\n?/, "").trim();
    const name = JSON.parse(readFileSync(join(root, "packages", folder, "package.json"), "utf8")).name;
    out.push(`## ${name}`, "", body ? demote(body, 1) : "_No release yet._", "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}

/** Generates every page; returns what was written and what was skipped. */
export async function generateCatalogue({ root, outDir = join(root, "docs", "generated"), log = console.error } = {}) {
  mkdirSync(outDir, { recursive: true });
  for (const file of readdirSync(outDir)) if (file.endsWith(".md")) rmSync(join(outDir, file));
  const written = [];
  const skipped = [];
  const entries = [];
  const tiers = [];
  for (const folder of verticalFolders(root)) {
    if (!existsSync(join(root, "packages", folder, "dist", "index.js"))) {
      log(`warning: packages/${folder} has no dist/index.js; build it to document it. Skipped.`);
      skipped.push(folder);
      continue;
    }
    const page = await verticalPage(root, folder);
    writeFileSync(join(outDir, `${folder}.md`), page.text);
    entries.push(...page.searchEntries);
    written.push({ folder, title: page.title, id: page.extension.id, tools: page.extension.tools.map((tool) => tool.name) });
    tiers.push(page.tier);
  }
  writeFileSync(join(outDir, "tiers.md"), tiersPage(tiers));
  writeFileSync(join(outDir, "changelogs.md"), changelogsPage(root));
  writeFileSync(join(outDir, "search-entries.json"), `${JSON.stringify(entries, null, 2)}\n`);
  return { written, skipped };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argument = (name, fallback) => {
    const index = process.argv.indexOf(name);
    return index > 0 ? process.argv[index + 1] : fallback;
  };
  const root = resolve(argument("--root", join(fileURLToPath(import.meta.url), "..", "..", "..")));
  const outDir = resolve(argument("--out", join(root, "docs", "generated")));
  const { written, skipped } = await generateCatalogue({ root, outDir });
  console.error(`catalogue: ${written.map((page) => page.folder).join(", ") || "nothing"} written${skipped.length ? `; skipped ${skipped.join(", ")}` : ""}`);
}
