import { rmSync } from "node:fs";
import { defineConfig, type Options } from "tsup";

/**
 * The one build shape every package uses: the library entries as dual ESM + CJS with per-format
 * declarations; a `bin` entry as ESM only, without declarations (nothing imports it). The ESM
 * build holds the bin and the library together so they share chunks. No source maps: the output
 * is unminified, and maps carrying the full sources were over half of each tarball.
 */
export function packageBuild(entry: Record<string, string>, extra: Partial<Options> = {}) {
  const { bin, ...library } = entry;
  // Cleaned once here rather than by each of the two parallel builds writing into dist/.
  rmSync("dist", { recursive: true, force: true });
  const shared: Options = {
    target: "node20",
    platform: "node",
    sourcemap: false,
    clean: false,
    splitting: true,
    treeshake: true,
    // tsup 8 injects baseUrl into its dts build, which TypeScript 6 deprecates.
    dts: { entry: library, compilerOptions: { ignoreDeprecations: "6.0" } },
    ...extra,
  };
  return defineConfig([
    { ...shared, entry: bin ? { ...library, bin } : library, format: ["esm"] },
    { ...shared, entry: library, format: ["cjs"] },
  ]);
}
