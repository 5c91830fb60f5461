import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import type { Client } from "@modelcontextprotocol/client";
import { runAuditVerifyOnStateTamperings, writeAuditTrailThroughBin } from "@mcp-verticals/core/testing";
import { FINANCE_AUDIT_LOG } from "./context.js";
import { FINANCE_EXTENSION_ID } from "./extension.js";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "finance-audit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, XDG_CONFIG_HOME: join(dir, "config"), XDG_STATE_HOME: join(dir, "state"), MCP_AUDIT_KEY: "", MCP_AUDIT_KEY_FILE: "", DATABASE_URL: "" };

/** The SQLite file holding the finance state's linked logs (beside the ledger). */
function stateFileOf(database: string): string {
  for (const candidate of [database, `${database.replace(/\.db$/, "")}.state.sqlite`, `${database}.state.sqlite`]) {
    if (!existsSync(candidate)) continue;
    const db = new Database(candidate, { readonly: true });
    try {
      if (db.prepare("SELECT name FROM sqlite_master WHERE name = 'mcp_state_logs'").get()) return candidate;
    } finally {
      db.close();
    }
  }
  throw new Error("no state file with linked logs beside the ledger");
}

/** Five audited calls: a listing, three postings and a lookup of a transaction that does not exist. */
async function auditedCalls(client: Client): Promise<void> {
  await client.callTool({ name: "finance_list_accounts", arguments: {} });
  for (let index = 0; index < 3; index++) {
    const posted = await client.callTool({
      name: "finance_post_entry",
      arguments: {
        idempotencyKey: `audit-e2e-post-${index}`,
        date: "2026-11-20",
        description: `Reclass ${index}`,
        postings: [
          { accountId: "acc_travel", amount: { amount: "1.00", currency: "EUR" } },
          { accountId: "acc_software", amount: { amount: "-1.00", currency: "EUR" } },
        ],
      },
    });
    expect(posted.isError, JSON.stringify(posted.content)).not.toBe(true);
  }
  await client.callTool({ name: "finance_get_transaction", arguments: { transactionId: "no-such-transaction" } });
}

describe(`mcp-finance audit verify on the chain the spawned bin wrote into its state (without --log: ${FINANCE_AUDIT_LOG})`, () => {
  it("passes the intact chain and names the first bad record of an edited, deleted, reordered, truncated or recomputed one", async () => {
    const database = join(dir, "ledger.db");
    await writeAuditTrailThroughBin({ bin, env, args: ["--toolsets", "read,bookkeeping", "--database", database], connect: { era: "modern", tasks: false, extensions: { [FINANCE_EXTENSION_ID]: {} } }, calls: auditedCalls });
    expect(statSync(join(dir, "config", "mcp-verticals", "mcp-finance.audit-key")).mode & 0o777).toBe(0o600);

    const { lines, intact, tampered } = await runAuditVerifyOnStateTamperings({ bin, env, stateFile: stateFileOf(database), log: FINANCE_AUDIT_LOG });
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(intact, intact.stderr).toMatchObject({ status: 0, stdout: expect.stringContaining(`state log "${FINANCE_AUDIT_LOG}" (sqlite): ${lines.length} records, all anchored`) });
    for (const [name, outcome] of Object.entries(tampered)) {
      expect(outcome.status, `${name}: ${outcome.stdout}${outcome.stderr}`).toBe(1);
      expect(outcome.stdout).toContain(`audit trail NOT intact: state log "${FINANCE_AUDIT_LOG}"`);
      for (const line of lines) {
        const { principal } = JSON.parse(line) as { principal?: string };
        if (principal) expect(outcome.stdout).not.toContain(principal);
      }
    }
    expect(tampered.edit.stdout).toMatch(/first bad record at line \d+, seq \d+, binding tools\/call:finance_\w+: record does not match its MAC/);
    expect(tampered.recompute.stdout).toMatch(/first bad record at .*seq \d+.*: record does not match its MAC/);
    expect(tampered.delete.stdout).toContain("sequence break");
    expect(tampered.reorder.stdout).toContain("sequence break");
    expect(tampered.truncate.stdout).toContain("truncated");
  }, 180_000);
});
