import { defineConfig, type Options } from "tsup";

/** The one build shape every package uses: dual ESM + CJS with per-format declarations. */
export function packageBuild(entry: Record<string, string>, extra: Partial<Options> = {}) {
  return defineConfig({
    entry,
    format: ["esm", "cjs"],
    target: "node20",
    platform: "node",
    sourcemap: true,
    clean: true,
    splitting: true,
    treeshake: true,
    // tsup 8 injects baseUrl into its dts build, which TypeScript 6 deprecates.
    dts: { compilerOptions: { ignoreDeprecations: "6.0" } },
    ...extra,
  });
}
