// Writes schema.json for the package in the current directory from its built extension.
// Usage (from a package folder, after build): node ../../scripts/write-schema.mjs [--check]
import { readFile, writeFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const packageDir = process.cwd();
const entry = pathToFileURL(resolve(packageDir, "dist/index.js")).href;
const module = await import(entry);
const core = await import(pathToFileURL(resolve(packageDir, "node_modules/@mcp-verticals/core/dist/index.js")).href).catch(
  () => import(pathToFileURL(resolve(packageDir, "dist/index.js")).href),
);
const extensions = Object.values(module).filter(
  (value) => value && typeof value === "object" && typeof value.id === "string" && value.serverSettings && value.clientSettings && value.negotiate,
);
if (extensions.length !== 1) {
  console.error(`Expected exactly one exported extension definition in ${entry}, found ${extensions.length}.`);
  process.exit(1);
}
const text = core.extensionJsonSchemaText(extensions[0]);
const target = resolve(packageDir, "schema.json");
if (process.argv.includes("--check")) {
  const current = await readFile(target, "utf8").catch(() => "");
  if (current !== text) {
    console.error(`${target} is stale; run the package's "schema" script.`);
    process.exit(1);
  }
} else {
  await writeFile(target, text);
  console.error(`wrote ${target}`);
}
