// Publishing metadata of every reference server: server.json for the MCP Registry (validated
// against the 2025-12-11 schema, see __fixtures__/README.md) and manifest.json for MCP Bundles
// (validated with the mcpb tool). Data-driven: every vertical that has the files is checked;
// the template must have both, since the generator copies them into new verticals.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { manifestOf, repoRoot, run, verticalFolders } from "./repo.js";

const require = createRequire(import.meta.url);
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const SCHEMA_URL = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";
const schema = JSON.parse(readFileSync(new URL("./__fixtures__/server.schema.2025-12-11.json", import.meta.url), "utf8"));
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validateServerJson = ajv.compile(schema);
const mcpbCli = join(require.resolve("@anthropic-ai/mcpb"), "..", "cli", "cli.js");

/** Runs `mcpb validate` on a manifest and returns its exit status and output. */
const mcpbValidate = (file: string) => run(process.execPath, [mcpbCli, "validate", file]);

async function extensionOf(folder: string) {
  const { findExtension } = await import(join(repoRoot, "scripts", "docs", "generate-catalogue.mjs"));
  return findExtension(await import(join(repoRoot, "packages", folder, "dist", "index.js"))) as { id: string; tools: { name: string }[] };
}

const folders = verticalFolders();

describe("the validators themselves", () => {
  it("the vendored schema is the 2025-12-11 registry schema and rejects what the registry rejects", () => {
    expect(schema.$id).toBe(SCHEMA_URL);
    const good = JSON.parse(readFileSync(join(repoRoot, "packages", "template", "server.json"), "utf8"));
    expect(validateServerJson(good)).toBe(true);
    const latest = structuredClone(good);
    latest.packages[0].version = "latest";
    expect(validateServerJson(latest)).toBe(false);
    const longDescription = { ...good, description: "x".repeat(101) };
    expect(validateServerJson(longDescription)).toBe(false);
    const badName = { ...good, name: "no-slash" };
    expect(validateServerJson(badName)).toBe(false);
  });

  it("mcpb validate rejects a broken manifest", () => {
    const dir = mkdtempSync(join(tmpdir(), "mcpb-"));
    try {
      const broken = JSON.parse(readFileSync(join(repoRoot, "packages", "template", "manifest.json"), "utf8"));
      delete broken.server;
      writeFileSync(join(dir, "manifest.json"), JSON.stringify(broken));
      expect(mcpbValidate(join(dir, "manifest.json")).status).not.toBe(0);
      copyFileSync(join(repoRoot, "packages", "template", "manifest.json"), join(dir, "manifest.json"));
      expect(mcpbValidate(join(dir, "manifest.json")).status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(folders)("publishing metadata of packages/%s", (folder) => {
  const dir = join(repoRoot, "packages", folder);
  const hasServerJson = existsSync(join(dir, "server.json"));
  const hasManifest = existsSync(join(dir, "manifest.json"));
  const required = folder === "template";

  it.skipIf(!hasServerJson && !required)("server.json validates against the MCP Registry schema and matches the package", async () => {
    expect(hasServerJson, "server.json is missing").toBe(true);
    const serverJson = JSON.parse(readFileSync(join(dir, "server.json"), "utf8"));
    const valid = validateServerJson(serverJson);
    expect(valid ? [] : validateServerJson.errors).toEqual([]);
    const manifest = manifestOf(folder);
    expect(serverJson.$schema).toBe(SCHEMA_URL);
    expect(serverJson.name).toBe((await extensionOf(folder)).id);
    expect(serverJson.version).toBe(manifest.version);
    if (manifest.mcpName !== undefined) expect(manifest.mcpName).toBe(serverJson.name);
    const npmPackages = serverJson.packages.filter((entry: { registryType: string }) => entry.registryType === "npm");
    expect(npmPackages.length).toBeGreaterThan(0);
    expect(npmPackages.some((entry: { transport: { type: string } }) => entry.transport.type === "stdio")).toBe(true);
    for (const entry of npmPackages) {
      expect(entry.identifier).toBe(manifest.name);
      expect(entry.version).toBe(manifest.version);
    }
    // Every named argument is a real flag of the bin, and every environment variable appears in its help.
    const bin = Object.values(manifest.bin ?? {})[0] as string;
    const help = run(process.execPath, [join(dir, bin), "--help"]).output;
    for (const entry of npmPackages) {
      for (const argument of entry.packageArguments ?? []) if (argument.type === "named") expect(help, argument.name).toContain(argument.name);
      for (const variable of entry.environmentVariables ?? []) expect(help, variable.name).toContain(variable.name);
    }
  });

  it.skipIf(!hasManifest && !required)("manifest.json passes mcpb validate and lists the extension's tools", async () => {
    expect(hasManifest, "manifest.json is missing").toBe(true);
    const result = mcpbValidate(join(dir, "manifest.json"));
    expect(result.status, result.output).toBe(0);
    const bundle = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    const manifest = manifestOf(folder);
    expect(bundle.version).toBe(manifest.version);
    expect(existsSync(join(dir, bundle.server.entry_point)), bundle.server.entry_point).toBe(true);
    expect(Object.values(manifest.bin ?? {})).toContain(`./${bundle.server.entry_point}`);
    const tools = (await extensionOf(folder)).tools.map((tool) => tool.name).sort();
    expect(bundle.tools.map((tool: { name: string }) => tool.name).sort()).toEqual(tools);
  });
});
