#!/usr/bin/env node
// Creates a new vertical from packages/template: node scripts/generate-vertical.mjs <name> [--root <repo>]
//
// Copies the template into packages/<name> and renames the package (@mcp-verticals/<name>), the
// extension id (verticalExtensionId("<name>")), identifiers (Template… → <Name>…, template… →
// <name>…, TEMPLATE… → <NAME>…), the bin (mcp-<name>), tool and resource names, server.json and
// manifest.json; makes the package public; marks the spec as a draft to rewrite; adds the package to
// the root typedoc.json (its docs page is generated from its schemas), regenerates the lists of
// verticals in README.md and docs/index.md, and writes the changeset
// .changeset/<name>-initial.md. Build output, installed modules, test reports and the official
// conformance-suite harness (conformance/, src/conformance/, specification/conformance.md) are not copied.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { syncVerticals, VERTICAL_MARKER } from "./docs/verticals.mjs";

const EXCLUDED = new Set(["node_modules", "dist", ".vitest", ".turbo", "conformance", "src/conformance", "specification/conformance.md"]);
const NAME = /^[a-z][a-z0-9]{1,30}$/;
const RESERVED = new Set(["core", "template", "repo", "checks", "docs", "scripts"]);

/** Why a vertical name cannot be used, or undefined when it can. */
export function nameProblem(name, root) {
  if (!NAME.test(name ?? "")) return "use one lowercase word of 2-31 letters and digits, starting with a letter (it becomes an identifier, a tool prefix and an npm name)";
  if (RESERVED.has(name)) return `"${name}" is reserved`;
  if (existsSync(join(root, "packages", name))) return `packages/${name} already exists`;
  return undefined;
}

/** The template's text with every spelling of "template" turned into the new name. */
export function renameText(text, name) {
  const pascal = name.charAt(0).toUpperCase() + name.slice(1);
  return text
    .replace(/resource template/g, "resource \u0000")
    .replace(/URI template/g, "URI \u0001")
    .replace(/TEMPLATE/g, name.toUpperCase())
    .replace(/Template/g, pascal)
    .replace(/template/g, name)
    .replace(/\u0000/g, "template")
    .replace(/\u0001/g, "template");
}

function* filesUnder(dir, base = dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* filesUnder(path, base);
    else yield relative(base, path);
  }
}

/** Generates packages/<name>; returns the files written. */
export function generateVertical(name, { root }) {
  const problem = nameProblem(name, root);
  if (problem) throw new Error(`cannot create vertical "${name}": ${problem}`);
  const source = join(root, "packages", "template");
  const target = join(root, "packages", name);
  cpSync(source, target, {
    recursive: true,
    filter: (path) => {
      const inside = relative(source, path).split("\\").join("/");
      return !EXCLUDED.has(inside) && !inside.endsWith(".tsbuildinfo");
    },
  });
  const written = [];
  for (const file of [...filesUnder(target)]) {
    const path = join(target, file);
    const text = readFileSync(path, "utf8");
    const renamed = renameText(text, name);
    const renamedPath = join(target, renameText(file, name));
    if (renamedPath !== path) renameSync(path, renamedPath);
    writeFileSync(renamedPath, renamed);
    written.push(relative(root, renamedPath));
  }

  // A real vertical is published: public, with its own keywords and description.
  const manifestPath = join(target, "package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  delete manifest.private;
  const ordered = {};
  for (const [key, value] of Object.entries(manifest)) {
    ordered[key] = value;
    if (key === "description") ordered.description = `The ${name} vertical of mcp-verticals: an MCP extension with typed tools, negotiated settings and a reference server.`;
    if (key === "license") ordered.keywords = ["mcp", "model-context-protocol", "mcp-extension", name];
  }
  ordered.publishConfig = { access: "public" };
  ordered[VERTICAL_MARKER] = { ...manifest[VERTICAL_MARKER], summary: `The ${name} vertical (generated from the template): say in one sentence what it is for.` };
  ordered.mcpName = `io.github.mcp-verticals/${name}`;
  writeFileSync(manifestPath, `${JSON.stringify(ordered, null, 2)}\n`);

  // Spec first: the copied spec describes the glossary the code still implements; say so up front.
  const specPath = join(target, "specification", "draft.md");
  const spec = readFileSync(specPath, "utf8").replace(
    /\n# (.*)\n/,
    (_whole, heading) =>
      `\n# ${heading}\n\n> **Status: skeleton generated from the template.** Every section below still describes the template's\n> glossary. Rewrite each one for ${name} (identifier, settings, negotiation and fallback, bindings, safety\n> rules, security considerations) before changing the code: spec first.\n`,
  );
  writeFileSync(specPath, spec);

  // The docs: the package joins the API reference; its vertical page is generated from its schemas.
  const typedocPath = join(root, "typedoc.json");
  if (existsSync(typedocPath)) {
    const typedoc = JSON.parse(readFileSync(typedocPath, "utf8"));
    const entry = `packages/${name}`;
    if (Array.isArray(typedoc.entryPoints) && !typedoc.entryPoints.includes(entry)) {
      typedoc.entryPoints.push(entry);
      writeFileSync(typedocPath, `${JSON.stringify(typedoc, null, 2)}\n`);
      written.push("typedoc.json");
    }
  }

  // The generated lists of verticals (README.md, docs/index.md) name the new package.
  written.push(...syncVerticals({ root }));

  const changesetDir = join(root, ".changeset");
  mkdirSync(changesetDir, { recursive: true });
  const changeset = join(changesetDir, `${name}-initial.md`);
  writeFileSync(
    changeset,
    `---\n"@mcp-verticals/${name}": minor\n---\n\nFirst release of the ${name} vertical: the \`io.github.mcp-verticals/${name}\` extension and its reference server \`mcp-${name}\`. Describe here, in one paragraph, what a user of the package sees.\n`,
  );
  written.push(relative(root, changeset));
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const rootIndex = args.indexOf("--root");
  const root = resolve(rootIndex >= 0 ? args[rootIndex + 1] : join(fileURLToPath(import.meta.url), "..", ".."));
  const name = args.find((arg, index) => !arg.startsWith("--") && args[index - 1] !== "--root");
  if (!name || args.includes("--help")) {
    console.error(`Usage: node scripts/${basename(fileURLToPath(import.meta.url))} <name> [--root <repo>]\nCreates packages/<name> from packages/template.`);
    process.exit(name ? 0 : 1);
  }
  try {
    const written = generateVertical(name, { root });
    console.error(`created packages/${name} (${written.length} files). Next:`);
    console.error(`  pnpm install && cd packages/${name} && npx tsup && npm run schema && npx vitest run`);
    console.error(`  then rewrite specification/draft.md first (docs/guides/contribute-a-vertical.md has the checklist).`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
