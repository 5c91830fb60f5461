// Packs the package in the current directory the way it would be published and checks the
// tarball: no workspace: ranges, README and LICENSE present, publint --strict, attw.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const out = mkdtempSync(join(tmpdir(), "pack-"));
const run = (command, args, options = {}) => execFileSync(command, args, { stdio: "inherit", ...options });
try {
  execFileSync("pnpm", ["pack", "--pack-destination", out], { stdio: ["ignore", "ignore", "inherit"] });
  const tarball = readdirSync(out).find((file) => file.endsWith(".tgz"));
  if (!tarball) throw new Error("pnpm pack produced no tarball");
  run("tar", ["-xzf", join(out, tarball), "-C", out]);
  const root = join(out, "package");
  const manifest = readFileSync(join(root, "package.json"), "utf8");
  const problems = [];
  if (manifest.includes("workspace:")) problems.push("package.json still contains a workspace: range");
  for (const file of ["README.md", "LICENSE"]) if (!existsSync(join(root, file))) problems.push(`${file} is missing from the tarball`);
  if (problems.length) throw new Error(problems.join("; "));
  run("publint", ["--strict", root]);
  run("attw", [join(out, tarball), "--format", "table-flipped"]);
  console.error(`${JSON.parse(manifest).name}: tarball checks passed`);
} catch (error) {
  console.error(`package check failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}
