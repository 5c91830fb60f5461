import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { Client } from "@modelcontextprotocol/client";
import { openStateStore, stateAuditSink, stateCheckpointStore } from "@mcp-verticals/core";
import { runAuditVerifyOnStateTamperings, runAuditVerifyOnTamperings, writeAuditTrailThroughBin } from "@mcp-verticals/core/testing";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "healthcare-audit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// The key file goes to the configuration directory, the state to the state directory: both in the test's own folder.
const env = { ...process.env, XDG_CONFIG_HOME: join(dir, "config"), XDG_STATE_HOME: join(dir, "state"), MCP_AUDIT_KEY: "", MCP_AUDIT_KEY_FILE: "" };

/** Five audited calls: three reads, a search and a read of a patient that does not exist. */
async function auditedCalls(client: Client): Promise<void> {
  for (const id of ["patient-001", "patient-002", "patient-003"]) await client.callTool({ name: "fhir_read", arguments: { resourceType: "Patient", id } });
  await client.callTool({ name: "fhir_search", arguments: { resourceType: "Condition", params: {} } });
  await client.callTool({ name: "fhir_read", arguments: { resourceType: "Patient", id: "no-such-patient" } });
}

/** Never more of a record than its seq and binding in what audit verify prints. */
function expectNoRecordContent(records: string[], output: string): void {
  for (const record of records) {
    const { principal, subjects } = JSON.parse(record) as { principal?: string; subjects?: string[] };
    for (const secret of [principal, ...(subjects ?? [])]) if (secret) expect(output).not.toContain(secret);
  }
}

describe("mcp-healthcare audit verify on the trail the spawned bin wrote", () => {
  it("passes the intact trail and names the first bad record of an edited, deleted, reordered, truncated or recomputed one", async () => {
    const file = join(dir, "audit.jsonl");
    // A graceful stop writes the closing checkpoint.
    await writeAuditTrailThroughBin({ bin, env, args: ["--audit-file", file], connect: { era: "legacy", tasks: false }, calls: auditedCalls });

    const keyFile = join(dir, "config", "mcp-verticals", "mcp-healthcare.audit-key");
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const trail = readFileSync(file, "utf8");
    expect(trail).not.toContain(readFileSync(keyFile, "utf8").trim());
    const records = trail.trim().split("\n");
    expect(records.length).toBeGreaterThanOrEqual(5);

    const { intact, tampered } = runAuditVerifyOnTamperings({ bin, file, env });
    expect(intact).toMatchObject({ status: 0, stdout: expect.stringContaining(`audit trail intact`) });
    expect(intact.stdout).toContain(`${records.length} records, all anchored`);
    for (const [name, outcome] of Object.entries(tampered)) {
      expect(outcome.status, `${name}: ${outcome.stdout}${outcome.stderr}`).toBe(1);
      expect(outcome.stdout).toContain("NOT intact");
      expectNoRecordContent(records, outcome.stdout + outcome.stderr);
    }
    expect(tampered.edit.stdout).toMatch(/first bad record at line \d+, seq \d+, binding \S+: record does not match its MAC/);
    expect(tampered.recompute.stdout).toContain("record does not match its MAC");
    expect(tampered.delete.stdout).toContain("sequence break");
    expect(tampered.reorder.stdout).toContain("sequence break");
    expect(tampered.truncate.stdout).toContain("truncated");
  }, 60_000);
});

describe("mcp-healthcare audit verify without --log reads the bin's own log (audit:healthcare)", () => {
  it("verifies the chain a --state run wrote and names the first bad record of each tampered copy", async () => {
    const stateFile = join(dir, "named-state.sqlite");
    await writeAuditTrailThroughBin({ bin, env, args: ["--state", stateFile], calls: auditedCalls });
    const { lines, intact, tampered } = await runAuditVerifyOnStateTamperings({ bin, env, stateFile, log: "audit:healthcare" });
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(intact, intact.stdout + intact.stderr).toMatchObject({ status: 0, stdout: expect.stringContaining(`state log "audit:healthcare" (sqlite): ${lines.length} records, all anchored`) });
    for (const [name, outcome] of Object.entries(tampered)) {
      expect(outcome.status, `${name}: ${outcome.stdout}${outcome.stderr}`).toBe(1);
      expect(outcome.stdout).toContain(`audit trail NOT intact: state log "audit:healthcare"`);
      expectNoRecordContent(lines, outcome.stdout + outcome.stderr);
    }
    expect(tampered.edit.stdout).toMatch(/first bad record at line \d+, seq \d+, binding tools\/call:fhir_\w+: record does not match its MAC/);
    expect(tampered.recompute.stdout).toMatch(/first bad record at .*seq \d+.*: record does not match its MAC/);
    expect(tampered.delete.stdout).toContain("sequence break");
    expect(tampered.reorder.stdout).toContain("sequence break");
    expect(tampered.truncate.stdout).toContain("truncated");
  }, 90_000);
});

describe("mcp-healthcare audit trail by default: the shared state, not the process", () => {
  it("keeps every record in the state store (none in memory), one chain across a restart that audit verify passes", async () => {
    // No --audit-file and no --state: the default state file under XDG_STATE_HOME.
    const home = { ...env, XDG_STATE_HOME: join(dir, "default-state") };
    const stateFile = join(dir, "default-state", "mcp-verticals", "mcp-healthcare.sqlite");
    const run = (calls: number) =>
      writeAuditTrailThroughBin({
        bin,
        env: home,
        calls: async (client) => {
          for (let index = 0; index < calls; index++) {
            const result = await client.callTool({ name: "fhir_read", arguments: { resourceType: "Patient", id: `patient-00${1 + (index % 9)}` } });
            expect(result.isError).not.toBe(true);
          }
        },
      });
    const recordsInStore = async () => {
      const state = await openStateStore({ file: stateFile });
      try {
        let checkpoints = 0;
        for await (const _line of stateCheckpointStore(state, "audit:healthcare").readAll()) checkpoints++;
        return { records: (await stateAuditSink(state, "audit:healthcare").readAll()).length, checkpoints };
      } finally {
        await state.close();
      }
    };
    await run(40);
    const first = await recordsInStore();
    // Every call's records (the binding's and the AuditEvent-shaped one) are in the store: the process holds none.
    const perCall = first.records / 40;
    expect(Number.isInteger(perCall) && perCall >= 1, `${first.records} records for 40 calls`).toBe(true);
    expect(first.checkpoints).toBeGreaterThan(0);
    await run(25);
    expect((await recordsInStore()).records).toBe(65 * perCall);
    // Neither --state nor --log: the default state file and the bin's own log.
    const verify = spawnSync(process.execPath, [bin, "audit", "verify"], { encoding: "utf8", env: home });
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toContain(`state log "audit:healthcare" (sqlite): ${65 * perCall} records, all anchored`);
  }, 120_000);
});
