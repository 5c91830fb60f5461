import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { AUDIT_TAMPERINGS } from "@mcp-verticals/core/testing";
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

function verify(stateFile: string) {
  const result = spawnSync(process.execPath, [bin, "audit", "verify", "--state", stateFile, "--log", FINANCE_AUDIT_LOG], { env, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("mcp-finance audit verify on the chain the spawned bin wrote into its state", () => {
  it("passes the intact chain and names the first bad record of an edited, deleted, reordered, truncated or recomputed one", async () => {
    const database = join(dir, "ledger.db");
    const child = spawn(process.execPath, [bin, "--http", "0", "--toolsets", "read,bookkeeping", "--database", database], { stdio: ["ignore", "ignore", "pipe"], env });
    let seen = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr!.on("data", (chunk: Buffer) => {
        seen += chunk.toString();
        const match = /listening on (\S+)/.exec(seen);
        if (match) resolve(match[1]!);
      });
      child.once("exit", (code) => reject(new Error(`bin exited ${code}: ${seen}`)));
    });
    const client = new Client({ name: "audit-e2e", version: "0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } }, capabilities: { extensions: { [FINANCE_EXTENSION_ID]: {} } } });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    await client.callTool({ name: "finance_list_accounts", arguments: {} });
    for (let index = 0; index < 3; index++) {
      await client.callTool({
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
    }
    await client.callTool({ name: "finance_get_transaction", arguments: { transactionId: "no-such-transaction" } });
    await client.close();
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);

    expect(statSync(join(dir, "config", "mcp-verticals", "mcp-finance.audit-key")).mode & 0o777).toBe(0o600);
    const stateFile = stateFileOf(database);
    const original = new Database(stateFile, { readonly: true });
    const rows = original.prepare("SELECT entry FROM mcp_state_logs WHERE log = ? ORDER BY seq").all(FINANCE_AUDIT_LOG) as { entry: string }[];
    original.close();
    const lines = rows.map((row) => JSON.parse(row.entry) as string);
    expect(lines.length).toBeGreaterThanOrEqual(5);

    const intact = verify(stateFile);
    expect(intact, intact.stderr).toMatchObject({ status: 0, stdout: expect.stringContaining(`${lines.length} records, all anchored`) });
    for (const [name, tamper] of Object.entries(AUDIT_TAMPERINGS)) {
      const copy = join(dir, `tampered-${name}.sqlite`);
      copyFileSync(stateFile, copy);
      const db = new Database(copy);
      db.transaction(() => {
        db.prepare("DELETE FROM mcp_state_logs WHERE log = ?").run(FINANCE_AUDIT_LOG);
        const insert = db.prepare("INSERT INTO mcp_state_logs (log, seq, entry) VALUES (?, ?, ?)");
        tamper(lines).forEach((line, index) => insert.run(FINANCE_AUDIT_LOG, index + 1, JSON.stringify(line)));
      })();
      db.close();
      const outcome = verify(copy);
      expect(outcome.status, `${name}: ${outcome.stdout}${outcome.stderr}`).toBe(1);
      expect(outcome.stdout).toContain("NOT intact");
      for (const line of lines) {
        const { principal } = JSON.parse(line) as { principal?: string };
        if (principal) expect(outcome.stdout).not.toContain(principal);
      }
    }
  }, 180_000);
});
