// The shape every vertical shares (see docs/guides/contribute-a-vertical.md), checked for every
// folder under packages/ except core and repo-checks, so a new vertical is held to it at once.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { manifestOf, repoRoot, run, verticalFolders } from "./repo.js";

const REQUIRED_FILES = ["README.md", "CHANGELOG.md", "LICENSE", "specification/draft.md", "src/index.ts", "schema.json", "tsconfig.json", "tsup.config.ts", "vitest.config.ts"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.test\.ts$/.test(name) ? [path] : [];
  });
}

const isZodSchema = (value: unknown) => typeof value === "object" && value !== null && "_zod" in value && typeof (value as { safeParse?: unknown }).safeParse === "function";

describe.each(verticalFolders())("packages/%s", (folder) => {
  const dir = join(repoRoot, "packages", folder);
  const manifest = manifestOf(folder);

  it("has the files every vertical has", () => {
    expect(REQUIRED_FILES.filter((file) => !existsSync(join(dir, file)))).toEqual([]);
    expect(readFileSync(join(dir, "CHANGELOG.md"), "utf8")).toMatch(new RegExp(`^# ${manifest.name.replace("/", "\\/")}`));
    expect(readFileSync(join(dir, "LICENSE"), "utf8")).toBe(readFileSync(join(repoRoot, "LICENSE"), "utf8"));
  });

  it("declares a bin named mcp-<vertical> that the build produced", () => {
    expect(Object.keys(manifest.bin ?? {})).toContain(`mcp-${folder}`);
    expect(existsSync(join(dir, manifest.bin[`mcp-${folder}`])), "run the build first").toBe(true);
    expect(manifest.scripts?.schema).toBe("node ../../scripts/write-schema.mjs");
  });

  it("exports from src/index.ts the extension definition, a server factory, a client and the schemas", async () => {
    const { findExtension } = await import(join(repoRoot, "scripts", "docs", "generate-catalogue.mjs"));
    const module = (await import(join(dir, "dist", "index.js"))) as Record<string, unknown>;
    const extension = findExtension(module);
    expect(extension, "exactly one extension definition").toBeDefined();
    expect(extension.id).toBe(`io.github.mcp-verticals/${folder}`);
    const names = Object.keys(module);
    expect(names.filter((name) => /^create\w*Server$/.test(name) && typeof module[name] === "function"), "create…Server").not.toEqual([]);
    expect(names.filter((name) => /Client$/.test(name) && typeof module[name] === "function"), "…Client").not.toEqual([]);
    const schemas = names.filter((name) => isZodSchema(module[name]));
    expect(schemas.length, "zod schemas exported").toBeGreaterThanOrEqual(2);
    expect(schemas.map((name) => module[name])).toContain(extension.clientSettings);
    // The public surface is src/index.ts: dist/index.js must not export what the source does not name.
    const source = readFileSync(join(dir, "src", "index.ts"), "utf8");
    for (const name of names) expect(source, `${name} in src/index.ts`).toContain(name);
  });

  it("has a conformance test that calls runConformance", () => {
    const files = sourceFiles(join(dir, "src")).filter((file) => /runConformance\(/.test(readFileSync(file, "utf8")));
    expect(files.map((file) => relative(dir, file)), "a *.test.ts calling runConformance").not.toEqual([]);
  });

  it("has a fresh schema.json", () => {
    const result = run(process.execPath, [join(repoRoot, "scripts", "write-schema.mjs"), "--check"], { cwd: dir });
    expect(result.status, result.output).toBe(0);
  });

  it("packs a clean tarball (no workspace: ranges, README and LICENSE, publint --strict, attw)", () => {
    const result = run(process.execPath, [join(repoRoot, "scripts", "check-package.mjs")], { cwd: dir, env: { PATH: `${join(repoRoot, "node_modules", ".bin")}:${process.env.PATH}` } });
    expect(result.status, result.output).toBe(0);
  });
});
