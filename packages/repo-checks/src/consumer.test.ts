// A consumer's first install, as plain npm does it: the public packages are packed, installed from
// their tarballs into an empty project together with the peers a user adds (zod, the MCP SDK) and
// three TypeScript compilers, then a sample is typechecked with skipLibCheck off under TypeScript
// 5.9, 6.0 and 7.0 (the native compiler), with nodenext (ESM and CJS) and bundler resolution, and
// the compiled sample runs: it serves each vertical in process and calls it through the SDK client.
// The README's code sample is compiled and run the same way.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installTarballs, packWorkspacePackage } from "../../../scripts/lib/stage-tarballs.mjs";
import { manifestOf, publicFolders, repoRoot, run } from "./repo.js";

const COMPILERS = { "5.9": "5.9.3", "6.0": "6.0.3", "7.0": "7.0.2" } as const;
const PEERS = { zod: "4.6.7", "@modelcontextprotocol/server": "2.4.0", "@modelcontextprotocol/client": "2.4.0", "@types/node": "20.19.43" };
const publics = publicFolders().filter((folder) => existsSync(join(repoRoot, "packages", folder, "dist")));

/** The ESM sample: every public package's main entry, typed calls, and a real in-process round trip. */
const ESM_SAMPLE = `import { createExtensionClient, ExtensionError } from "@mcp-verticals/core";
import { connectInProcess } from "@mcp-verticals/core/testing";
import { createEducationRuntime, EDUCATION_EXTENSION_ID } from "@mcp-verticals/education";
import { createFinanceRuntime, FINANCE_EXTENSION_ID } from "@mcp-verticals/finance";
import { createHealthcareServer, healthcareClient, HEALTHCARE_EXTENSION_ID } from "@mcp-verticals/healthcare";
import { Client, InMemoryTransport } from "@modelcontextprotocol/client";
import type { McpServer } from "@modelcontextprotocol/server";

async function toolNames(server: McpServer, extensions: Record<string, Record<string, string>>): Promise<string[]> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "consumer", version: "1.0.0" }, { capabilities: { extensions } });
  await client.connect(clientSide);
  const { tools } = await client.listTools();
  await client.close();
  return tools.map((tool) => tool.name);
}

const healthcare = healthcareClient();
const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
await createHealthcareServer().connect(serverSide);
const client = new Client({ name: "consumer", version: "1.0.0" }, { capabilities: { extensions: healthcare.declaration } });
await client.connect(clientSide);
const { items } = await healthcare.bind(client).callTool("fhir_search", { resourceType: "Observation", params: { patient: "patient-002" } });
const count: number = items.length;
await client.close();

const finance = await createFinanceRuntime();
const financeTools = await toolNames(finance.createServer(), { [FINANCE_EXTENSION_ID]: {} });
await finance.close();
const education = createEducationRuntime();
const educationTools = await toolNames(education.createServer(), { [EDUCATION_EXTENSION_ID]: {} });
await education.close();

const error: ExtensionError = new ExtensionError("INVALID_PARAMS", "sample", { field: "x" });
void createExtensionClient;
void connectInProcess;
console.log(JSON.stringify({ healthcare: HEALTHCARE_EXTENSION_ID, observations: count, financeTools: financeTools.length, educationTools: educationTools.length, code: error.code }));
`;

/** The CommonJS sample: the require() entry points and their .d.cts declarations. */
const CJS_SAMPLE = `import { createHealthcareServer, HEALTHCARE_EXTENSION_ID } from "@mcp-verticals/healthcare";
import { FINANCE_EXTENSION_ID } from "@mcp-verticals/finance";
import { EDUCATION_EXTENSION_ID } from "@mcp-verticals/education";
import { ExtensionError } from "@mcp-verticals/core";
import { Client, InMemoryTransport } from "@modelcontextprotocol/client";

async function main(): Promise<void> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await createHealthcareServer().connect(serverSide);
  const client = new Client({ name: "consumer-cjs", version: "1.0.0" }, { capabilities: { extensions: { [HEALTHCARE_EXTENSION_ID]: {} } } });
  await client.connect(clientSide);
  const { tools } = await client.listTools();
  await client.close();
  const ids: string[] = [FINANCE_EXTENSION_ID, EDUCATION_EXTENSION_ID];
  console.log(JSON.stringify({ tools: tools.length, ids, isError: new ExtensionError("INVALID_PARAMS", "x") instanceof Error }));
}
void main();
`;

const tsconfig = (options: Record<string, unknown>, files: string[]) =>
  JSON.stringify({ compilerOptions: { strict: true, skipLibCheck: false, target: "ES2022", types: ["node"], ...options }, files }, null, 2);

describe("a consumer installing the packed packages with npm", () => {
  let project: string;
  const packs = mkdtempSync(join(tmpdir(), "mcp-verticals-packs-"));

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), "mcp-verticals-consumer-"));
    const tarballs = publics.map((folder) => packWorkspacePackage(repoRoot, folder, packs));
    const dependencies: Record<string, string> = { ...PEERS };
    for (const [line, version] of Object.entries(COMPILERS)) dependencies[`typescript-${line}`] = `npm:typescript@${version}`;
    for (const [index, folder] of publics.entries()) dependencies[manifestOf(folder).name] = `file:${tarballs[index]}`;
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module", dependencies }, null, 2));
    // Install scripts are off: better-sqlite3's would download a prebuilt binary (or compile for
    // minutes here). Its native binary of the same version, already built in the workspace for
    // this Node, is copied in instead, so the sample runs the real module.
    installTarballs(repoRoot, project);
    writeFileSync(join(project, "sample.mts"), ESM_SAMPLE);
    writeFileSync(join(project, "sample.cts"), CJS_SAMPLE);
    writeFileSync(join(project, "sample.ts"), ESM_SAMPLE);
    // The README's "add a vertical's extension to your own server" sample, as a consumer copies it.
    const readmeSample = /\n```ts\n([\s\S]*?)\n```/.exec(readFileSync(join(repoRoot, "README.md"), "utf8"))?.[1];
    if (!readmeSample) throw new Error("README.md has no TypeScript sample");
    writeFileSync(join(project, "readme.mts"), `${readmeSample}\nconsole.log(JSON.stringify({ readme: true }));\n`);
    writeFileSync(join(project, "tsconfig.nodenext.json"), tsconfig({ module: "nodenext", moduleResolution: "nodenext", outDir: "out", noEmit: true }, ["sample.mts", "sample.cts", "readme.mts"]));
    writeFileSync(join(project, "tsconfig.bundler.json"), tsconfig({ module: "preserve", moduleResolution: "bundler", noEmit: true }, ["sample.ts"]));
    writeFileSync(join(project, "tsconfig.emit.json"), tsconfig({ module: "nodenext", moduleResolution: "nodenext", outDir: "out" }, ["sample.mts", "sample.cts", "readme.mts"]));
  });
  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
    rmSync(packs, { recursive: true, force: true });
  });

  it("installs every public package from its tarball", () => {
    for (const folder of publics) expect(existsSync(join(project, "node_modules", ...(manifestOf(folder).name as string).split("/"), "package.json")), folder).toBe(true);
    expect(publics).toEqual(expect.arrayContaining(["core", "education", "finance", "healthcare"]));
  });

  for (const [line, version] of Object.entries(COMPILERS)) {
    for (const resolution of ["nodenext", "bundler"] as const) {
      it(`typechecks with skipLibCheck off under TypeScript ${line} (${resolution}${resolution === "nodenext" ? ", ESM and CJS" : ""})`, () => {
        const tsc = join(project, "node_modules", `typescript-${line}`, "bin", "tsc");
        const reported = run(process.execPath, [tsc, "--version"], { cwd: project });
        expect(reported.output).toContain(`Version ${version}`);
        const result = run(process.execPath, [tsc, "-p", `tsconfig.${resolution}.json`], { cwd: project });
        expect(result.output.trim(), `tsc ${version} -p tsconfig.${resolution}.json`).toBe("");
        expect(result.status).toBe(0);
      });
    }
  }

  it("runs the compiled sample as ESM and as CommonJS", () => {
    const emitted = run(process.execPath, [join(project, "node_modules", "typescript-6.0", "bin", "tsc"), "-p", "tsconfig.emit.json"], { cwd: project });
    expect(emitted.status, emitted.output).toBe(0);
    const esm = run(process.execPath, [join(project, "out", "sample.mjs")], { cwd: project });
    expect(esm.status, esm.output).toBe(0);
    const summary = JSON.parse(esm.output.trim().split("\n").at(-1)!);
    expect(summary.healthcare).toBe("io.github.mcp-verticals/healthcare");
    expect(summary.observations).toBeGreaterThan(0);
    expect(summary.financeTools).toBeGreaterThan(0);
    expect(summary.educationTools).toBeGreaterThan(0);
    expect(summary.code).toBe("INVALID_PARAMS");
    const cjs = run(process.execPath, [join(project, "out", "sample.cjs")], { cwd: project });
    expect(cjs.status, cjs.output).toBe(0);
    const cjsSummary = JSON.parse(cjs.output.trim().split("\n").at(-1)!);
    expect(cjsSummary.tools).toBeGreaterThan(0);
    expect(cjsSummary.isError).toBe(true);
    const readme = run(process.execPath, [join(project, "out", "readme.mjs")], { cwd: project });
    expect(readme.status, readme.output).toBe(0);
    expect(dirname(join(project, "out", "sample.cjs"))).toBe(join(project, "out"));
  });
});
