import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "repo-checks",
    include: ["src/**/*.test.ts"],
    globalSetup: ["src/global-setup.ts"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // The checks build and serve the whole repository; running files one at a time keeps 2 cores usable.
    fileParallelism: false,
  },
});
