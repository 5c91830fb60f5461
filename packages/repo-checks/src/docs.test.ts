import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { brokenLinks, siteFiles } from "./site.js";
import { repoRoot, siteDir, verticalFolders } from "./repo.js";
import { siteBuild } from "./docs-build.js";

const report = siteBuild();
const builtVerticals = verticalFolders().filter((folder) => existsSync(join(repoRoot, "packages", folder, "dist", "index.js")));
const guides = () => [
  "docs/index.md",
  ...readdirSync(join(repoRoot, "docs", "guides"))
    .filter((file) => file.endsWith(".md"))
    .map((file) => `docs/guides/${file}`),
];

/** Fenced blocks of a markdown text with the line before each. */
function fencedBlocks(text: string) {
  const lines = text.split("\n");
  const blocks: { language: string; before: string; body: string; line: number }[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const open = /^```(\w*)\s*$/.exec(lines[index]!);
    if (!open) continue;
    let end = index + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end += 1;
    blocks.push({ language: open[1]!, before: lines[index - 1] ?? "", body: lines.slice(index + 1, end).join("\n"), line: index + 1 });
    index = end;
  }
  return blocks;
}

describe("docs site build", () => {
  it("builds with TypeDoc warnings as errors, after checking the guides against their examples", () => {
    const failed = report.steps.find((step) => step.status !== 0);
    expect(failed ? `${failed.step} failed:\n${failed.output}` : "ok").toBe("ok");
    expect(report.steps.map((step) => step.step)).toEqual(["examples in sync", "lists of verticals", "catalogue", "typedoc", "markdown export"]);
    expect(report.steps.find((step) => step.step === "typedoc")!.output).not.toMatch(/\[warning\]|\[error\]/);
  });

  it("has no broken internal links or anchors in the generated HTML", () => {
    expect(report.ok).toBe(true);
    const pages = siteFiles(siteDir).filter((file) => file.endsWith(".html"));
    expect(pages.length).toBeGreaterThan(20);
    expect(brokenLinks(siteDir)).toEqual([]);
  });

  it("has a page per built vertical, generated from its schemas, listing every tool, resource, prompt and method", async () => {
    expect(builtVerticals).toContain("template");
    for (const folder of builtVerticals) {
      const page = readFileSync(join(repoRoot, "docs", "generated", `${folder}.md`), "utf8");
      const { findExtension } = (await import(join(repoRoot, "scripts", "docs", "generate-catalogue.mjs"))) as {
        findExtension(module: unknown): any;
      };
      const extension = findExtension(await import(join(repoRoot, "packages", folder, "dist", "index.js")));
      expect(page).toContain(extension.id);
      // A quickstart from a clone, and from npm for published packages, each labelled.
      expect(page).toContain(`**From a clone**`);
      expect(page).toContain(`npm run serve -- ${folder} --http 3000`);
      const manifest = JSON.parse(readFileSync(join(repoRoot, "packages", folder, "package.json"), "utf8"));
      if (manifest.private) expect(page).toContain("**From npm:** not available.");
      else expect(page).toContain(`npx -y -p ${manifest.name} `);
      for (const tool of extension.tools) expect(page).toContain(`### ${tool.name}`);
      for (const resource of extension.resources) expect(page).toContain(resource.uri);
      for (const prompt of extension.prompts) expect(page).toContain(`### ${prompt.name}`);
      // A binding that joins a toolset names it under its heading: a default server may not serve it.
      for (const binding of [...extension.tools, ...extension.prompts].filter((entry: { toolset?: string }) => entry.toolset !== undefined)) {
        const section = page.slice(page.indexOf(`### ${binding.name}\n`)).split("\n### ")[0]!;
        expect(section, binding.name).toContain(`- Toolset: \`${binding.toolset}\` (served ${extension.toolsets[binding.toolset].default ? "by default" : "when the operator selects it"}`);
      }
      for (const method of extension.methods) expect(page).toContain(`${extension.id}/${method.verb}`);
      for (const field of Object.keys(extension.serverSettings.shape)) expect(page).toContain(`\`${field}\``);
      const title = `${folder.charAt(0).toUpperCase()}${folder.slice(1)}_vertical`;
      expect(existsSync(join(siteDir, "documents", `${title}.html`)), `${title}.html`).toBe(true);
    }
  });

  it("shows each vertical's JSON-RPC exchange in both eras, recorded from a real run of its server", () => {
    for (const folder of builtVerticals) {
      const page = readFileSync(join(repoRoot, "docs", "generated", `${folder}.md`), "utf8");
      const wire = page.slice(page.indexOf("## On the wire"));
      expect(page, folder).toContain("## On the wire");
      const blocks = fencedBlocks(wire.slice(0, wire.indexOf("\n## ", 5) > 0 ? wire.indexOf("\n## ", 5) : undefined)).filter((block) => block.language === "json");
      const messages = blocks.map((block) => JSON.parse(block.body) as { method?: string; id?: number; result?: unknown; params?: any });
      // 2025: initialize with the declaration, its answer, initialized, then the call; 2026-07-28: discover, then the call with _meta.
      const legacyInit = messages.find((message) => message.method === "initialize");
      expect(Object.keys(legacyInit?.params?.capabilities?.extensions ?? {}), folder).toHaveLength(1);
      expect(messages.some((message) => message.method === "notifications/initialized"), folder).toBe(true);
      expect(messages.some((message) => message.method === "server/discover"), folder).toBe(true);
      const calls = messages.filter((message) => message.method === "tools/call");
      expect(calls.length, folder).toBeGreaterThanOrEqual(2);
      expect(JSON.stringify(calls.at(-1)!.params._meta ?? {}), folder).toContain("extensions");
      expect(messages.filter((message) => message.result !== undefined && (message.result as any).content).length, folder).toBeGreaterThanOrEqual(2);
    }
  });

  it("computes the extension tier table from the conformance kit and the proof tests' last run", () => {
    const page = readFileSync(join(repoRoot, "docs", "generated", "tiers.md"), "utf8");
    const rows = page.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| Vertical") && !line.startsWith("| ---"));
    expect(rows).toHaveLength(builtVerticals.length);
    for (const row of rows) {
      // Every row ran the kit against the reference server in both eras during the build (its verdict is
      // the vertical's own test's business; the table reports it as measured).
      expect(row).toMatch(/[✅❌] \d+\/\d+ rules, \d+\/\d+ checks/);
      expect(row).toMatch(/[✅❌] 2025, [✅❌] 2026-07-28/);
      expect(row).toMatch(/\d+\/\d+ bindings specified, \d+ RFC 2119 keywords/);
      expect(row).not.toContain("not run:");
    }
  });

  it("keeps every TypeScript block of the guides in a checked example file, and every JSON block valid", () => {
    for (const guide of guides()) {
      for (const block of fencedBlocks(readFileSync(join(repoRoot, guide), "utf8"))) {
        const where = `${guide}:${block.line}`;
        if (["ts", "tsx", "js", "mjs", "typescript", "javascript"].includes(block.language)) {
          expect(block.before, `${where}: code block without an example marker`).toMatch(/^<!-- example: packages\/repo-checks\/src\/examples\/\S+ -->$/);
        }
        if (block.language === "json") expect(() => JSON.parse(block.body), where).not.toThrow();
      }
    }
  });

  it("emits llms.txt, llms-full.txt and a markdown version of every page", () => {
    const llms = readFileSync(join(siteDir, "llms.txt"), "utf8");
    expect(llms).toMatch(/^# mcp-verticals\n\n> /);
    const linked = [...llms.matchAll(/\]\(([^)]+\.(?:md|txt))\)/g)].map((match) => match[1]!);
    for (const link of linked) expect(existsSync(join(siteDir, link)), link).toBe(true);
    for (const folder of builtVerticals) expect(llms).toContain(`documents/${folder.charAt(0).toUpperCase()}${folder.slice(1)}_vertical.md`);
    for (const guide of ["Use_a_vertical", "Attach_a_vertical_to_your_own_server", "Add_an_extension_to_your_own_server", "Use_an_extension_from_your_client", "Contribute_a_vertical", "Releasing"]) {
      expect(llms).toContain(`documents/${guide}.md`);
    }
    const html = siteFiles(siteDir).filter((file) => file.endsWith(".html"));
    const missing = html.filter((file) => !existsSync(join(siteDir, file.replace(/\.html$/, ".md"))));
    expect(missing).toEqual([]);
    const full = readFileSync(join(siteDir, "llms-full.txt"), "utf8");
    expect(full).toContain("# Contribute a vertical");
    expect(full).toContain("template_lookup_term");
    // The markdown of a guide is its source, examples included, not scraped HTML.
    expect(readFileSync(join(siteDir, "documents", "Add_an_extension_to_your_own_server.md"), "utf8")).toContain(
      readFileSync(join(repoRoot, "packages", "repo-checks", "src", "examples", "weather-extension.ts"), "utf8").trim(),
    );
  });
});
