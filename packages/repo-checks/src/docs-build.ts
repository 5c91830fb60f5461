// The docs build, step by step (the same steps scripts/build-docs.sh runs).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { run, repoRoot, siteBuildReport, siteDir } from "./repo.js";

export interface SiteBuildStep {
  step: string;
  status: number | null;
  output: string;
}

/** Runs every step of the docs build into `out`, stopping at the first failure. */
export function buildSite(out: string): { ok: boolean; steps: SiteBuildStep[] } {
  const steps: SiteBuildStep[] = [];
  const plan: [string, string, string[]][] = [
    ["examples in sync", "node", ["scripts/docs/sync-examples.mjs", "--check"]],
    ["lists of verticals", "node", ["scripts/docs/verticals.mjs", "--check"]],
    ["catalogue", "node", ["scripts/docs/generate-catalogue.mjs"]],
    ["typedoc", "pnpm", ["exec", "typedoc", "--out", out]],
    ["markdown export", "node", ["scripts/docs/export-markdown.mjs", "--site", out]],
  ];
  for (const [step, command, args] of plan) {
    const result = run(command, args, { cwd: repoRoot });
    steps.push({ step, ...result });
    if (result.status !== 0) return { ok: false, steps };
  }
  return { ok: true, steps };
}

/**
 * The docs build of this test run into `.vitest/site`, made by the first test file that asks (the
 * global setup clears the previous one). The outcome is recorded, not thrown, so the docs tests
 * can report it.
 */
export function siteBuild(): { ok: boolean; steps: SiteBuildStep[] } {
  if (!existsSync(siteBuildReport)) {
    mkdirSync(dirname(siteBuildReport), { recursive: true });
    writeFileSync(siteBuildReport, JSON.stringify(buildSite(siteDir), null, 2));
  }
  return JSON.parse(readFileSync(siteBuildReport, "utf8"));
}
