// The tier table's measures (scripts/docs/tiers.mjs) on cases built here: coverage of the spec text,
// and proof outcomes read from vitest JSON reports.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./repo.js";

const tiers = (await import(join(repoRoot, "scripts", "docs", "tiers.mjs"))) as {
  specCoverage(text: string | undefined, extension: unknown): { named: number; total: number; requirements: number; present: boolean };
  proofOutcome(report: unknown, packageDir: string, files: string[] | undefined, date?: string): { status: string; passed: number; failed: number };
  tiersTable(rows: unknown[]): string;
};

const extension = {
  tools: [{ name: "zoo_list_animals" }, { name: "zoo_feed" }],
  resources: [{ name: "zoo_map" }],
  prompts: [],
  methods: [{ verb: "census" }],
};

describe("tier measures", () => {
  it("counts the bindings a spec names and its RFC 2119 keywords", () => {
    const text = "A server MUST offer `zoo_list_animals`. It SHOULD NOT expose `zoo_map` to plain clients. It MAY answer census.";
    expect(tiers.specCoverage(text, extension)).toEqual({ named: 3, total: 4, requirements: 3, present: true });
    expect(tiers.specCoverage(undefined, extension).present).toBe(false);
  });

  it("reads proof files from a vitest report: passed, failed, not run, none named", () => {
    const dir = join("/", "repo", "packages", "zoo");
    const report = {
      testResults: [
        { name: join(dir, "src", "replicas.e2e.test.ts"), status: "passed", assertionResults: [{ status: "passed" }, { status: "passed" }] },
        { name: join(dir, "src", "backend.e2e.test.ts"), status: "failed", assertionResults: [{ status: "passed" }, { status: "failed" }] },
        { name: join(dir, "src", "crashed.e2e.test.ts"), status: "failed", assertionResults: [] },
      ],
    };
    expect(tiers.proofOutcome(report, dir, ["src/replicas.e2e.test.ts"], "2026-12-01")).toMatchObject({ status: "passed", passed: 2, failed: 0 });
    expect(tiers.proofOutcome(report, dir, ["src/replicas.e2e.test.ts", "src/backend.e2e.test.ts"])).toMatchObject({ status: "failed", passed: 3, failed: 1 });
    expect(tiers.proofOutcome(report, dir, ["src/crashed.e2e.test.ts"])).toMatchObject({ status: "failed", failed: 1 });
    expect(tiers.proofOutcome(report, dir, ["src/absent.e2e.test.ts"]).status).toBe("not run");
    expect(tiers.proofOutcome(undefined, dir, ["src/replicas.e2e.test.ts"]).status).toBe("not run");
    expect(tiers.proofOutcome(report, dir, undefined).status).toBe("missing");
  });

  it("renders one row per vertical with a failing kit marked as such", () => {
    const row = (failedChecks: number) => ({
      name: "Zoo",
      packageName: "@x/zoo",
      maintainer: "zoo keepers",
      spec: { named: 3, total: 4, requirements: 3, present: true },
      conformance: { checks: 10, failedChecks, rules: 5, rulesPassed: failedChecks ? 4 : 5, eras: { legacy: true, modern: !failedChecks } },
      proofs: { replicas: { status: "passed", passed: 2, failed: 0, date: "2026-12-01" }, independentBackend: { status: "missing" }, officialSuite: { status: "not run" } },
    });
    const table = tiers.tiersTable([row(0), row(1)]).trim().split("\n");
    expect(table).toHaveLength(4);
    expect(table[2]).toContain("✅ 5/5 rules, 10/10 checks");
    expect(table[2]).toContain("✅ 2 passed (2026-12-01)");
    expect(table[2]).toContain("none named");
    expect(table[2]).toContain("not run in this build");
    expect(table[3]).toContain("❌ 4/5 rules, 9/10 checks");
    expect(table[3]).toContain("✅ 2025, ❌ 2026-07-28");
  });
});
