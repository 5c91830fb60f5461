import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { Client } from "@modelcontextprotocol/client";
import { runAuditVerifyOnStateTamperings, runAuditVerifyOnTamperings, writeAuditTrailThroughBin, type ConnectHttpOptions } from "@mcp-verticals/core/testing";
import { educationClient } from "./client.js";
import { EDUCATION_AUDIT_LOG } from "./server.js";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "education-audit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, XDG_CONFIG_HOME: join(dir, "config"), XDG_STATE_HOME: join(dir, "state"), MCP_AUDIT_KEY: "", MCP_AUDIT_KEY_FILE: "" };
const connect: ConnectHttpOptions = { era: "modern", tasks: false, extensions: educationClient({ identityDisplay: "pseudonym" }).declaration as Record<string, Record<string, unknown>> };

/** Six audited calls: who am I, three roster pages and one of a class that does not exist. */
async function auditedCalls(client: Client): Promise<void> {
  await client.callTool({ name: "edu_whoami", arguments: {} });
  for (const role of ["student", "teacher", "student"]) await client.callTool({ name: "edu_list_roster", arguments: { classSourcedId: "cls-alg1-a", role, limit: 2 } });
  await client.callTool({ name: "edu_list_roster", arguments: { classSourcedId: "cls-none", limit: 2 } });
}

/** No student identity (keyed subject) in what audit verify prints. */
function expectNoSubjects(records: string[], output: string): void {
  for (const record of records) for (const subject of (JSON.parse(record) as { subjects?: string[] }).subjects ?? []) expect(output).not.toContain(subject);
}

describe("mcp-education audit verify on the trail the spawned bin wrote", () => {
  it("passes the intact trail and names the first bad record of an edited, deleted, reordered, truncated or recomputed one", async () => {
    const data = join(dir, "data");
    await writeAuditTrailThroughBin({ bin, env, args: ["--data", data], connect, calls: auditedCalls });

    const file = join(data, "audit.jsonl");
    const keyFile = join(dir, "config", "mcp-verticals", "mcp-education.audit-key");
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const records = readFileSync(file, "utf8").trim().split("\n");
    expect(records.length).toBeGreaterThanOrEqual(5);

    const { intact, tampered } = runAuditVerifyOnTamperings({ bin, file, env });
    expect(intact).toMatchObject({ status: 0, stdout: expect.stringContaining(`${records.length} records, all anchored`) });
    for (const [name, outcome] of Object.entries(tampered)) {
      expect(outcome.status, `${name}: ${outcome.stdout}${outcome.stderr}`).toBe(1);
      expect(outcome.stdout).toMatch(/NOT intact/);
      expectNoSubjects(records, outcome.stdout);
    }
    expect(tampered.edit.stdout).toContain("record does not match its MAC");
    expect(tampered.recompute.stdout).toContain("record does not match its MAC");
    expect(tampered.delete.stdout).toContain("sequence break");
    expect(tampered.reorder.stdout).toContain("sequence break");
    expect(tampered.truncate.stdout).toContain("truncated");
  }, 60_000);
});

describe(`mcp-education audit verify without --log reads the bin's own log (${EDUCATION_AUDIT_LOG})`, () => {
  it("verifies the chain a run without --data wrote into --state and names the first bad record of each tampered copy", async () => {
    const stateFile = join(dir, "named-state.sqlite");
    await writeAuditTrailThroughBin({ bin, env, args: ["--state", stateFile], connect, calls: auditedCalls });
    const { lines, intact, tampered } = await runAuditVerifyOnStateTamperings({ bin, env, stateFile, log: EDUCATION_AUDIT_LOG });
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(intact, intact.stdout + intact.stderr).toMatchObject({ status: 0, stdout: expect.stringContaining(`state log "${EDUCATION_AUDIT_LOG}" (sqlite): ${lines.length} records, all anchored`) });
    for (const [name, outcome] of Object.entries(tampered)) {
      expect(outcome.status, `${name}: ${outcome.stdout}${outcome.stderr}`).toBe(1);
      expect(outcome.stdout).toContain(`audit trail NOT intact: state log "${EDUCATION_AUDIT_LOG}"`);
      expectNoSubjects(lines, outcome.stdout + outcome.stderr);
    }
    expect(tampered.edit.stdout).toMatch(/first bad record at line \d+, seq \d+, binding tools\/call:edu_\w+: record does not match its MAC/);
    expect(tampered.recompute.stdout).toMatch(/first bad record at .*seq \d+.*: record does not match its MAC/);
    expect(tampered.delete.stdout).toContain("sequence break");
    expect(tampered.reorder.stdout).toContain("sequence break");
    expect(tampered.truncate.stdout).toContain("truncated");
  }, 90_000);
});
