// The extension tier table: per vertical, what is specified and what is proven, computed from real
// runs, never typed in by hand.
//
// - Spec: how many of the extension's tools, resources, prompts and methods the specification text
//   names, and how many RFC 2119 requirements it states.
// - Conformance kit and both eras: `runConformance` from @mcp-verticals/core/testing, run here against
//   the vertical's reference server factory (embedded data) in both protocol eras.
// - Replica, independent-backend and official-suite proofs: the outcome of the test files the package
//   names in `mcpVertical.proofs`, read from the package's last vitest report (.vitest/results.json,
//   written by its test run), with that run's date. No report means "not run".
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";

/** The proofs a vertical names, in the table's column order. */
export const PROOF_KINDS = {
  replicas: "Replicas",
  independentBackend: "Independent backend",
  officialSuite: "Official suite",
};

const REQUIREMENT = /\b(MUST NOT|MUST|SHALL NOT|SHALL|SHOULD NOT|SHOULD|REQUIRED|RECOMMENDED|MAY|OPTIONAL)\b/g;

/** How much of the extension the specification text covers. */
export function specCoverage(specText, extension) {
  if (specText === undefined) return { named: 0, total: 0, requirements: 0, present: false };
  const names = [
    ...extension.tools.map((tool) => tool.name),
    ...extension.resources.map((resource) => resource.name),
    ...extension.prompts.map((prompt) => prompt.name),
    ...extension.methods.map((method) => method.verb),
  ];
  const named = names.filter((name) => specText.includes(name)).length;
  return { named, total: names.length, requirements: (specText.match(REQUIREMENT) ?? []).length, present: true };
}

/**
 * The outcome of the test files `files` (paths relative to the package) in a vitest JSON report:
 * `{ status: "passed" | "failed" | "missing" | "not run", passed, failed, date }`.
 */
export function proofOutcome(report, packageDir, files, date) {
  if (!files?.length) return { status: "missing", passed: 0, failed: 0 };
  if (!report) return { status: "not run", passed: 0, failed: 0 };
  const wanted = new Set(files.map((file) => file.split("/").join(sep)));
  let passed = 0;
  let failed = 0;
  let seen = 0;
  for (const suite of report.testResults ?? []) {
    if (!wanted.has(relative(packageDir, suite.name))) continue;
    seen++;
    for (const assertion of suite.assertionResults ?? []) {
      if (assertion.status === "passed") passed++;
      else if (assertion.status === "failed") failed++;
    }
    if (suite.status === "failed" && (suite.assertionResults ?? []).length === 0) failed++;
  }
  if (seen < wanted.size) return { status: "not run", passed, failed, date };
  return { status: failed === 0 && passed > 0 ? "passed" : "failed", passed, failed, date };
}

/** The last vitest report of a package and its date, or undefined. */
export function lastReport(packageDir) {
  const file = join(packageDir, ".vitest", "results.json");
  if (!existsSync(file)) return undefined;
  return { report: JSON.parse(readFileSync(file, "utf8")), date: statSync(file).mtime.toISOString().slice(0, 10) };
}

/** Runs core's conformance kit against a server factory and sums it per era. */
export async function conformanceOutcome(testing, extension, factory) {
  try {
    const report = await testing.runConformance(extension, factory, { transports: ["memory"] });
    const eras = { legacy: "advertise.legacy", modern: "advertise.modern" };
    const advertised = Object.fromEntries(Object.entries(eras).map(([era, rule]) => [era, report.results.some((result) => result.rule === rule && result.ok)]));
    const rules = new Set(report.results.map((result) => result.rule));
    const failedRules = new Set(report.failures.map((result) => result.rule));
    return { checks: report.results.length, failedChecks: report.failures.length, rules: rules.size, rulesPassed: rules.size - failedRules.size, eras: advertised };
  } catch (error) {
    return { error: String(error?.message ?? error).slice(0, 200) };
  }
}

/** One row of the table for the vertical package in `packageDir`. */
export async function tierRow({ packageDir, manifest, extension, factory, testingEntry }) {
  const specFile = join(packageDir, "specification", "draft.md");
  const spec = specCoverage(existsSync(specFile) ? readFileSync(specFile, "utf8") : undefined, extension);
  const testing = testingEntry ? await import(pathToFileURL(testingEntry).href) : undefined;
  const conformance = testing && factory ? await conformanceOutcome(testing, extension, factory) : { error: "no server factory exported" };
  const last = lastReport(packageDir);
  const proofs = Object.fromEntries(
    Object.keys(PROOF_KINDS).map((kind) => [kind, proofOutcome(last?.report, packageDir, manifest.mcpVertical?.proofs?.[kind], last?.date)]),
  );
  return { name: manifest.mcpVertical?.title ?? manifest.name, packageName: manifest.name, maintainer: manifest.mcpVertical?.maintainer, spec, conformance, proofs };
}

const proofCell = (outcome) => {
  if (outcome.status === "missing") return "none named";
  if (outcome.status === "not run") return "not run in this build";
  const mark = outcome.status === "passed" ? "✅" : "❌";
  return `${mark} ${outcome.passed} passed${outcome.failed ? `, ${outcome.failed} failed` : ""} (${outcome.date})`;
};

/** The tier table as markdown (cells are plain text: nothing in them needs escaping). */
export function tiersTable(rows) {
  const out = [];
  out.push(
    `| Vertical | Spec | Conformance kit | Both eras | ${Object.values(PROOF_KINDS).join(" | ")} | Maintainer |`,
    `| --- | --- | --- | --- | ${Object.keys(PROOF_KINDS).map(() => "---").join(" | ")} | --- |`,
  );
  for (const row of rows) {
    const spec = row.spec.present ? `${row.spec.named}/${row.spec.total} bindings specified, ${row.spec.requirements} RFC 2119 keywords` : "no specification";
    const kit = row.conformance.error
      ? `not run: ${row.conformance.error.replace(/\|/g, "/")}`
      : `${row.conformance.failedChecks === 0 ? "✅" : "❌"} ${row.conformance.rulesPassed}/${row.conformance.rules} rules, ${row.conformance.checks - row.conformance.failedChecks}/${row.conformance.checks} checks`;
    const eras = row.conformance.eras ? `${row.conformance.eras.legacy ? "✅" : "❌"} 2025, ${row.conformance.eras.modern ? "✅" : "❌"} 2026-07-28` : "not run";
    const proofs = Object.keys(PROOF_KINDS).map((kind) => proofCell(row.proofs[kind]));
    out.push(`| ${row.name} (\`${row.packageName}\`) | ${spec} | ${kit} | ${eras} | ${proofs.join(" | ")} | ${(row.maintainer ?? "not named").replace(/\|/g, "/")} |`);
  }
  return `${out.join("\n")}\n`;
}
