import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

// Bins spawned by tests keep their default state and keys in a directory of this run, not the user's
// (HOME too: the SDK's stdio transport passes HOME to a child but not the XDG variables).
const isolated = mkdtempSync(join(tmpdir(), "mcp-test-xdg-"));

export default defineConfig({
  test: { name: "healthcare", include: ["src/**/*.test.ts"], env: { XDG_STATE_HOME: join(isolated, "state"), XDG_CONFIG_HOME: join(isolated, "config"), HOME: isolated }, testTimeout: 30_000, hookTimeout: 30_000 },
});
