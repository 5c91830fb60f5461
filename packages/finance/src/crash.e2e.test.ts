import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { openFinanceStorage } from "./backend/open-storage.js";
import { createFinanceRuntime } from "./server.js";
import { postgresAvailable, startTestCluster, type TestCluster } from "./__fixtures__/postgres-cluster.js";

const CHILD = fileURLToPath(new URL("./__fixtures__/import-child.mjs", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "finance-crash-"));
let cluster: TestCluster | undefined;
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await cluster?.stop();
});

/** Starts the child import, waits until it is inside the import, then kills it with SIGKILL. */
async function killMidImport(database: string, lines: number): Promise<string> {
  const child = spawn(process.execPath, [CHILD, database, String(lines)], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child never started importing: ${output}`)), 30_000);
    child.stdout.on("data", () => {
      if (output.includes("importing")) {
        clearTimeout(timer);
        // Give it time to write part of the batch inside its transaction.
        setTimeout(resolve, 1000);
      }
    });
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
  child.kill("SIGKILL");
  expect(await exited).toBe("SIGKILL");
  return output;
}

async function expectIntactLedger(database: string) {
  const storage = await openFinanceStorage(database);
  try {
    expect(await storage.existingBankRefs("acc_operating", ["CRASH-0", "CRASH-1", "CRASH-100"])).toEqual(new Set());
    const rows = await storage.trialBalance();
    const sums = new Map<string, bigint>();
    for (const row of rows) sums.set(row.currency, (sums.get(row.currency) ?? 0n) + row.debitMinor - row.creditMinor);
    expect([...sums.values()]).toEqual([0n, 0n]);
  } finally {
    await storage.close();
  }
  // After restart, the same import (same idempotency key) runs to completion.
  const runtime = await createFinanceRuntime({ database, toolsets: ["read", "import"] });
  try {
    const before = (await runtime.storage.listEntries({}, 0, 1)).total;
    const { connectInProcess } = await import("@mcp-verticals/core/testing");
    const { FINANCE_EXTENSION_ID } = await import("./extension.js");
    const connection = await connectInProcess(() => runtime.createServer(), { era: "legacy", extensions: { [FINANCE_EXTENSION_ID]: {} } });
    const result = (await connection.client.callTool({
      name: "finance_import_statement",
      arguments: {
        idempotencyKey: "after-restart-01",
        format: "csv",
        accountId: "acc_operating",
        content: "d,a,t,r\n2026-11-10,1.00,x,AFTER-1\n",
        csvMapping: { date: "d", amount: "a", description: "t", reference: "r" },
        dryRun: false,
      },
    })) as { structuredContent: any };
    expect(result.structuredContent.imported).toBe(1);
    expect((await runtime.storage.listEntries({}, 0, 1)).total).toBe(before + 1);
    await connection.close();
  } finally {
    await runtime.close();
  }
}

describe("crash safety", () => {
  it("SQLite: SIGKILL during an import leaves no partial transaction and a balanced ledger", async () => {
    const database = join(dir, "crash.db");
    await (await openFinanceStorage(database)).close();
    const output = await killMidImport(database, 300_000);
    expect(output).not.toContain("done");
    await expectIntactLedger(database);
  }, 60_000);

  it.runIf(postgresAvailable())("PostgreSQL: SIGKILL during an import leaves no partial transaction and a balanced ledger", async () => {
    cluster = await startTestCluster();
    const database = await cluster.createDatabase("crash");
    await (await openFinanceStorage(database)).close();
    const output = await killMidImport(database, 100_000);
    expect(output).not.toContain("done");
    await expectIntactLedger(database);
  }, 90_000);
});
