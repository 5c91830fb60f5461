import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "finance",
    include: ["src/**/*.test.ts"],
    // One throwaway PostgreSQL cluster for every test file that needs it.
    globalSetup: ["src/__fixtures__/global-postgres.ts"],
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
