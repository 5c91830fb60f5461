import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connectInProcess } from "@mcp-verticals/core/testing";
import { createFinanceRuntime } from "../server.js";
import { FINANCE_EXTENSION_ID } from "../extension.js";
import { exportHledgerJournal, hledgerAccountName } from "./hledger.js";

/** hledger from the Debian package; under CI its absence fails the suite instead of skipping it. */
function hledgerAvailable(): boolean {
  const found = spawnSync("hledger", ["--version"], { encoding: "utf8" }).status === 0;
  if (!found && process.env.CI === "true") throw new Error("hledger not found: install the Debian hledger package in CI");
  return found;
}

/** `hledger balance` per account as "CUR amount" strings ("0" for empty). */
export function hledgerBalances(journalPath: string): Map<string, string> {
  const result = spawnSync("hledger", ["-f", journalPath, "balance", "-O", "csv", "--flat", "-N", "-E"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`hledger failed: ${result.stderr}`);
  const balances = new Map<string, string>();
  for (const line of result.stdout.trim().split("\n").slice(1)) {
    const [account, balance] = line.split('","').map((cell) => cell.replace(/^"|"$/g, "")) as [string, string];
    balances.set(account, balance);
  }
  return balances;
}

const dir = mkdtempSync(join(tmpdir(), "finance-hledger-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.runIf(hledgerAvailable())("hledger oracle", () => {
  it("hledger balance on the exported journal equals finance_trial_balance for every account", async () => {
    const runtime = await createFinanceRuntime({ toolsets: ["read", "bookkeeping", "import"] });
    const connection = await connectInProcess(() => runtime.createServer(), { era: "modern", extensions: { [FINANCE_EXTENSION_ID]: {} } });
    try {
      // Add activity beyond the seed: an entry with odd cents, and an imported CSV.
      await connection.client.callTool({
        name: "finance_post_entry",
        arguments: {
          idempotencyKey: "oracle-entry-01",
          date: "2026-11-21",
          description: "Odd cents; with | pipes",
          postings: [
            { accountId: "acc_travel", amount: { amount: "0.01", currency: "EUR" } },
            { accountId: "acc_fees", amount: { amount: "1234567.89", currency: "EUR" } },
            { accountId: "acc_savings", amount: { amount: "-1234567.90", currency: "EUR" } },
          ],
        },
      });
      await connection.client.callTool({
        name: "finance_import_statement",
        arguments: {
          idempotencyKey: "oracle-import-01",
          format: "csv",
          accountId: "acc_usd",
          content: "d,a,t\n2026-11-20,-0.07,fee\n2026-11-21,19.99,refund\n",
          csvMapping: { date: "d", amount: "a", description: "t" },
          dryRun: false,
        },
      });
      const journal = join(dir, "ledger.journal");
      writeFileSync(journal, await exportHledgerJournal(runtime.storage));
      const oracle = hledgerBalances(journal);
      const tb = (await connection.client.callTool({ name: "finance_trial_balance", arguments: {} })) as { structuredContent: any };
      const rows = tb.structuredContent.rows as Array<{ code: string; type: any; balance: { amount: string; currency: string } }>;
      expect(rows.length).toBeGreaterThan(15);
      for (const row of rows) {
        const expected = /^-?0(\.0+)?$/.test(row.balance.amount) ? "0" : `${row.balance.currency} ${row.balance.amount}`;
        expect(oracle.get(hledgerAccountName(row)), row.code).toBe(expected);
      }
      expect(oracle.size).toBe(rows.length);
    } finally {
      await connection.close();
      await runtime.close();
    }
  });
});
