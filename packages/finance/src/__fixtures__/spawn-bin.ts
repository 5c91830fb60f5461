import { fileURLToPath } from "node:url";
import { startHttpBin as startBin, type HttpBin } from "@mcp-verticals/core/testing";

const BIN = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));

/** Starts finance's built bin with `--http 0` through core's `startHttpBin` (kept for tests that still import it here). */
export function startHttpBin(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<HttpBin> {
  return startBin(BIN, { args, env });
}
