// Runs every benchmark (bench/<name>/index.mjs) one after another; build first (pnpm build).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

const root = fileURLToPath(new URL(".", import.meta.url));
const only = process.argv.slice(2);
let failed = 0;
for (const name of readdirSync(root).sort()) {
  const entry = join(root, name, "index.mjs");
  if (!existsSync(entry) || (only.length && !only.includes(name))) continue;
  console.log(`\n━━ bench/${name}`);
  const result = spawnSync(process.execPath, [entry], { stdio: "inherit" });
  if (result.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
