// What a consumer of a published package relies on without reading the code: where it comes from
// (repository, homepage, bugs), a dist/ holding only what the exports map and the bin reach, no
// source maps, and declarations that name only packages the consumer will have installed.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { builtinModules } from "node:module";
import { describe, expect, it } from "vitest";
import { manifestOf, publicFolders, repoRoot } from "./repo.js";

const allFolders = readdirSync(join(repoRoot, "packages")).filter((folder) => existsSync(join(repoRoot, "packages", folder, "package.json")));

/** Every file path the exports map and the bin of a manifest point at. */
function reachable(manifest: Record<string, any>): Set<string> {
  const paths = new Set<string>();
  const walk = (value: unknown) => {
    if (typeof value === "string") paths.add(value.replace(/^\.\//, ""));
    else if (value && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  walk(manifest.bin);
  return paths;
}

/** Bare module specifiers a declaration file imports or re-exports. */
function importedPackages(text: string): string[] {
  const names = new Set<string>();
  // JSDoc examples quote imports the declarations do not make.
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  for (const match of code.matchAll(/(?:from|import)\s*\(?\s*['"]([^'".][^'"]*)['"]/g)) {
    const specifier = match[1]!;
    if (specifier.startsWith("node:") || builtinModules.includes(specifier)) continue;
    const parts = specifier.split("/");
    names.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!);
  }
  return [...names];
}

/** The DefinitelyTyped package of a package name. */
const typesPackage = (name: string) => `@types/${name.startsWith("@") ? name.slice(1).replace("/", "__") : name}`;

/** Whether an installed package carries its own declarations. */
function shipsTypes(packageDir: string, name: string): boolean {
  // The installed copy beside the package (pnpm links every dependency there), else the root's.
  const manifestPath = [packageDir, repoRoot].map((dir) => join(dir, "node_modules", ...name.split("/"), "package.json")).find((path) => existsSync(path));
  if (!manifestPath) return false;
  const dependency = JSON.parse(readFileSync(manifestPath, "utf8"));
  return Boolean(dependency.types || dependency.typings || JSON.stringify(dependency.exports ?? {}).includes('"types"') || existsSync(join(dirname(manifestPath), "index.d.ts")));
}

describe.each(allFolders)("package %s: metadata", (folder) => {
  const manifest = manifestOf(folder);

  it("names its repository (with its folder), homepage and issue tracker", () => {
    expect(manifest.repository?.url, "repository.url").toMatch(/^git\+https:\/\/github\.com\/.+\.git$/);
    expect(manifest.repository?.directory, "repository.directory").toBe(`packages/${folder}`);
    expect(manifest.homepage, "homepage").toMatch(new RegExp(`^https://.+/packages/${folder}#readme$`));
    expect(manifest.bugs?.url, "bugs.url").toMatch(/^https:\/\/.+\/issues$/);
  });
});

describe.each(publicFolders().filter((folder) => existsSync(join(repoRoot, "packages", folder, "dist"))))("package %s: dist", (folder) => {
  const manifest = manifestOf(folder);
  const dist = join(repoRoot, "packages", folder, "dist");
  const files = readdirSync(dist);

  it("ships no source maps", () => {
    expect(files.filter((file) => file.endsWith(".map"))).toEqual([]);
  });

  it("has no entry file that neither the exports map nor the bin reaches (chunks aside)", () => {
    const targets = reachable(manifest);
    // Code chunks (chunk-HASH.js) and declarations shared by two entries (name-HASH.d.ts) are imported by the entries.
    const isChunk = (file: string) => file.startsWith("chunk-") || /-[A-Za-z0-9_-]{8}\.d\.c?ts$/.test(file);
    const unreached = files.filter((file) => !isChunk(file) && !targets.has(`dist/${file}`));
    expect(unreached).toEqual([]);
  });

  it("declares only packages whose types a consumer gets with its dependencies or peerDependencies", () => {
    const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {}), manifest.name]);
    const missing: string[] = [];
    for (const file of files.filter((name) => /\.d\.c?ts$/.test(name))) {
      for (const name of importedPackages(readFileSync(join(dist, file), "utf8"))) {
        if (name === manifest.name) continue;
        if (!declared.has(name)) missing.push(`${file} imports ${name}, which is not a dependency`);
        else if (!shipsTypes(join(repoRoot, "packages", folder), name) && !declared.has(typesPackage(name))) {
          missing.push(`${file} imports ${name}, whose types (${typesPackage(name)}) are not a dependency`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
