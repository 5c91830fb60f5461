// The contributor path, end to end: generate a throwaway vertical into a copy of the workspace,
// then build, typecheck, test (its conformance test included) and pack it, so the path never rots.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, run } from "./repo.js";
import { copyWorkspace, linkModulesLike, type WorkspaceCopy } from "./workspace-copy.js";

const NAME = "zoology";
const generator = join(repoRoot, "scripts", "generate-vertical.mjs");

describe("scripts/generate-vertical.mjs", () => {
  let workspace: WorkspaceCopy;
  let dir: string;
  const bin = (name: string) => join(repoRoot, "node_modules", ".bin", name);

  beforeAll(() => {
    workspace = copyWorkspace(["core", "template"]);
    dir = join(workspace.root, "packages", NAME);
  });
  afterAll(() => workspace?.remove());

  it("refuses names that cannot become identifiers, and existing packages", () => {
    for (const bad of ["Zoo", "zoo-keeping", "core", "template", "1zoo"]) {
      const result = run(process.execPath, [generator, bad, "--root", workspace.root]);
      expect(result.status, bad).toBe(1);
      expect(result.output).toMatch(/cannot create vertical/);
    }
  });

  it("copies the template with every name, id, bin and identifier renamed, and adds the changeset and docs entry", () => {
    const result = run(process.execPath, [generator, NAME, "--root", workspace.root]);
    expect(result.status, result.output).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(manifest).toMatchObject({ name: `@mcp-verticals/${NAME}`, bin: { [`mcp-${NAME}`]: "./dist/bin.js" }, publishConfig: { access: "public" } });
    expect(manifest.private).toBeUndefined();
    expect(readFileSync(join(dir, "src", "extension.ts"), "utf8")).toContain(`verticalExtensionId("${NAME}")`);
    const index = readFileSync(join(dir, "src", "index.ts"), "utf8");
    for (const name of ["zoologyExtension", "ZOOLOGY_EXTENSION_ID", "createZoologyServer", "zoologyClient", "ZoologyServerSettings"]) expect(index).toContain(name);
    expect(existsSync(join(dir, "src", `${NAME}.test.ts`))).toBe(true);
    for (const excluded of ["node_modules", "dist", ".vitest", "conformance", "src/conformance"]) expect(existsSync(join(dir, excluded)), excluded).toBe(false);
    const grepTemplate = run("grep", ["-rIl", "-e", "template_", "-e", "Template", "-e", "TEMPLATE", "-e", "mcp-verticals/template", dir]);
    expect(grepTemplate.output.trim(), "files still naming the template").toBe("");
    expect(readFileSync(join(dir, "specification", "draft.md"), "utf8")).toMatch(/Status: skeleton generated from the template/);
    expect(readFileSync(join(workspace.root, ".changeset", `${NAME}-initial.md`), "utf8")).toMatch(new RegExp(`^---\\n"@mcp-verticals/${NAME}": minor\\n---`));
    expect(JSON.parse(readFileSync(join(workspace.root, "typedoc.json"), "utf8")).entryPoints).toContain(`packages/${NAME}`);
    expect(JSON.parse(readFileSync(join(dir, "server.json"), "utf8")).name).toBe(`io.github.mcp-verticals/${NAME}`);
    // The README's generated list of verticals names the new one.
    expect(manifest.mcpVertical).toMatchObject({ title: "Zoology" });
    expect(readFileSync(join(workspace.root, "README.md"), "utf8")).toContain(`| [Zoology](packages/${NAME}) | \`@mcp-verticals/${NAME}\` |`);
  });

  it("builds, typechecks and has a fresh schema.json straight away", () => {
    linkModulesLike(workspace.root, NAME, "template");
    const build = run(bin("tsup"), [], { cwd: dir });
    expect(build.status, build.output).toBe(0);
    expect(existsSync(join(dir, "dist", "bin.js"))).toBe(true);
    const typecheck = run(bin("tsc"), ["--noEmit", "-p", "."], { cwd: dir });
    expect(typecheck.status, typecheck.output).toBe(0);
    const schema = run(process.execPath, [join(workspace.root, "scripts", "write-schema.mjs"), "--check"], { cwd: dir });
    expect(schema.status, schema.output).toBe(0);
  });

  it("passes its own tests, conformance in both eras and transports included", () => {
    const tests = run(bin("vitest"), ["run", "--reporter=json", "--outputFile.json=.vitest/results.json"], { cwd: dir });
    expect(tests.status, tests.output.slice(-4000)).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, ".vitest", "results.json"), "utf8"));
    expect(report.numFailedTests).toBe(0);
    expect(report.numPassedTests).toBeGreaterThan(3);
    const names = report.testResults.flatMap((file: { assertionResults: { title: string }[] }) => file.assertionResults.map((test) => test.title));
    expect(names.some((title: string) => /conforms/.test(title))).toBe(true);
  });

  it("names its command mcp-zoology (the spawned-bin tests above drive it over stdio and HTTP)", () => {
    const help = run(process.execPath, [join(dir, "dist", "bin.js"), "--help"]);
    expect(help.output).toMatch(/^Usage: mcp-zoology/);
  });

  it("packs a clean, publishable tarball", () => {
    const result = run(process.execPath, [join(workspace.root, "scripts", "check-package.mjs")], {
      cwd: dir,
      env: { PATH: `${join(repoRoot, "node_modules", ".bin")}:${process.env.PATH}` },
    });
    expect(result.status, result.output).toBe(0);
  });
});
