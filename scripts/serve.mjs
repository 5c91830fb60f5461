#!/usr/bin/env node
// Runs a vertical's reference server from a clone: `npm run serve -- <vertical> [flags]`, e.g.
// `npm run serve -- finance --http 3000`. The same flags as the published bin (`--help` lists them).
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const servers = Object.fromEntries(
  readdirSync(join(root, "packages"))
    .filter((folder) => existsSync(join(root, "packages", folder, "package.json")))
    .map((folder) => [folder, JSON.parse(readFileSync(join(root, "packages", folder, "package.json"), "utf8")).bin])
    .filter(([, bin]) => bin && typeof bin === "object")
    .map(([folder, bin]) => [folder, join(root, "packages", folder, Object.values(bin)[0])]),
);
const [name, ...args] = process.argv.slice(2);
if (!name || !servers[name]) {
  console.error(`usage: npm run serve -- <${Object.keys(servers).join("|")}> [flags]   (e.g. npm run serve -- finance --http 3000)`);
  process.exit(2);
}
if (!existsSync(servers[name])) {
  console.error(`${servers[name]} is not built yet: run \`npm run demo\` (first time) or \`npm run build\``);
  process.exit(1);
}
const child = spawn(process.execPath, [servers[name], ...args], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
