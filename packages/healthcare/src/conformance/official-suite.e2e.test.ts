/**
 * Runs the official MCP conformance suite (server mode) against the real `mcp-healthcare` bin over
 * Streamable HTTP, two requirement sets against one process: `2026-07-28` (its scored scenarios
 * plus the not-scored ones, Tasks included) and `2025-11-25` (the stateful 2025 era: initialize,
 * ping, logging, sampling and elicitation during a call, subscriptions). The conformance fixture is
 * composed on through `--add-on`: the suite calls its diagnostics by name, while the serving layer,
 * the server's own lists and its Tasks extension are the package's. Runner, fixture, installer and
 * the standing checks (`checkOfficialSuite`): `@mcp-verticals/core/testing`. Known failures, each with its cause:
 * `conformance/expected-failures.yml` and `conformance/expected-failures.2025-11-25.yml`.
 * `specification/conformance.md` holds the resulting tables (checked here;
 * `UPDATE_CONFORMANCE_DOCS=1` rewrites it).
 *
 * Skip with `SKIP_MCP_CONFORMANCE=1` (e.g. offline); skipped automatically off linux-x64.
 */
import { fileURLToPath } from "node:url";
import { checkOfficialSuite, officialSuiteSupported, type OfficialSuiteChecks } from "@mcp-verticals/core/testing";
import { beforeAll, describe, expect, it } from "vitest";

describe.skipIf(!officialSuiteSupported())("official MCP conformance suite against mcp-healthcare (2026-07-28 and 2025-11-25)", () => {
  let suite: OfficialSuiteChecks;
  beforeAll(async () => {
    suite = await checkOfficialSuite({ packageDir: fileURLToPath(new URL("../..", import.meta.url)), title: "Healthcare", command: "mcp-healthcare" });
    process.stdout.write(`${suite.result.summary}\n`);
  }, 240_000);

  it("ran both requirement sets whole, Tasks included", () => expect(suite.incomplete, suite.diagnostics).toEqual([]));
  it("fails only where the expected-failures files say so, and they have no stale entries", () => expect(suite.baselineProblems, suite.diagnostics).toEqual([]));
  it("passes every serving-layer and Tasks scenario (but 2025-era SSE polling, which the baseline explains)", () => {
    expect(suite.servingLayerAndTasks.judged).toBeGreaterThanOrEqual(20);
    expect(suite.servingLayerAndTasks.notPassing).toEqual(["server-sse-polling: expected failure"]);
  });
  it("keeps specification/conformance.md in sync with the run", () => expect(suite.documentProblem).toBeUndefined());
});
