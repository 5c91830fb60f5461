/**
 * Finance's long jobs as tasks across real server processes. Two `mcp-finance --http` processes
 * share one SQLite ledger (and the state file beside it): a task started on A is polled and read
 * on B in both protocol eras. Two more share one PostgreSQL database (ledger and state): the test
 * holds an exclusive lock on the ledger's entries table, so a job started on A blocks on its first
 * ledger read, at a known step, however fast the runtime; it is then cancelled from B, or A is
 * killed with SIGKILL, before the lock is released.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TaskEndedError, type DetailedTask } from "@mcp-verticals/core";
import { connectHttp, increasingProblem, lockTable, recordProgress, startHttpBin, type HttpBin, type HttpConnection, type TableLock } from "@mcp-verticals/core/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CSV_MAPPING, csvStatement } from "./__fixtures__/long-jobs.js";
import { postgresAvailable, startTestCluster, type TestCluster } from "./__fixtures__/postgres-cluster.js";
import { openFinanceStorage } from "./backend/open-storage.js";
import type { FinanceStorage } from "./backend/finance-storage.js";
import { FINANCE_EXTENSION_ID } from "./extension.js";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
// The default task lease; the idempotency claim of a dead worker lapses before it, so a restart may book.
const LEASE_MS = 10_000;
const dir = mkdtempSync(join(tmpdir(), "finance-task-procs-"));
const database = join(dir, "ledger.sqlite");
const binArgs = ["--toolsets", "read,import", "--database", database, "--idempotency-lease", "5", "--max-body-bytes", String(32 * 1024 * 1024)];
const binEnv = { MCP_TASKS_LEASE_MS: String(LEASE_MS) };

const importArgs = (key: string, content: string, dryRun = false) => ({ idempotencyKey: key, format: "csv", accountId: "acc_operating", csvMapping: CSV_MAPPING, content, dryRun });
const reconcileArgs = (key: string, month: string, content: string, apply = false) => ({ idempotencyKey: key, accountId: "acc_operating", month, format: "csv", csvMapping: CSV_MAPPING, content, apply });

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

/**
 * A real brake on the ledger: core's {@link lockTable} holds `ACCESS EXCLUSIVE` on `entries` in an
 * open transaction, so every read of bank references or postings waits for it; `waitForWaiter`
 * resolves once a server backend waits for that lock (an ungranted `AccessShareLock` on `entries` in
 * `pg_locks`), not after a guessed delay.
 */
const PARKED_READ = { mode: "AccessShareLock", timeoutMs: 60_000 } as const;

describe.runIf(postgresAvailable())("finance long jobs as tasks across server processes (one PostgreSQL database), held by a lock", () => {
  let cluster: TestCluster;
  let database: string;
  let pgArgs: string[];
  let a: HttpBin;
  let b: HttpBin;
  let storage: FinanceStorage;
  const brakes: TableLock[] = [];
  const connections: HttpConnection[] = [];
  const connect = async (url: string, era: "modern" | "legacy") => {
    const connection = await connectHttp(url, { era, extensions: { [FINANCE_EXTENSION_ID]: {} } });
    connections.push(connection);
    return connection;
  };
  const brake = async () => {
    const held = await lockTable(database, "entries");
    brakes.push(held);
    return held;
  };
  const endOf = (promise: Promise<unknown>) => promise.then(
    () => ({ status: "completed" }) as Partial<DetailedTask>,
    (error: unknown) => {
      if (error instanceof TaskEndedError) return error.task;
      throw error;
    },
  );

  beforeAll(async () => {
    cluster = await startTestCluster();
    database = await cluster.createDatabase("task_brake");
    pgArgs = ["--toolsets", "read,import", "--database", database, "--idempotency-lease", "5", "--max-body-bytes", String(32 * 1024 * 1024)];
    // A creates and seeds the ledger; B joins it. Ledger and task state share the database.
    a = await startHttpBin(BIN, { args: pgArgs, env: binEnv });
    b = await startHttpBin(BIN, { args: pgArgs, env: binEnv });
    storage = await openFinanceStorage(database, { seed: false });
  }, 120_000);
  // A failed case must not leave the ledger locked for the next one.
  afterEach(async () => {
    for (const held of brakes.splice(0)) await held.release().catch(() => undefined);
  });
  afterAll(async () => {
    for (const [name, bin] of [["A", a], ["B", b]] as const) {
      if (bin && (bin.child.exitCode !== null || (bin.child.signalCode !== null && bin.child.signalCode !== "SIGKILL"))) process.stderr.write(`${name} exited early:\n${bin.stderr().slice(-4000)}\n`);
    }
    await Promise.all(connections.map((connection) => connection.close().catch(() => undefined)));
    await storage?.close();
    await Promise.all([a?.kill(), b?.kill()]);
    await cluster?.stop();
  });

  for (const era of ["modern", "legacy"] as const) {
    const tag = era === "modern" ? "M" : "L";

    it(`${era}: cancels a held import and a held applying reconciliation from B; the ledger is byte-identical`, async () => {
      const before = await ledgerDigest(storage);
      const onA = await connect(a.url, era);
      const onB = await connect(b.url, era);

      let held = await brake();
      const started = await onA.tasks.callTool("finance_import_statement", importArgs(`pg-cancel-import-${era}`, csvStatement(2000, { prefix: `PGC${tag}`, month: "2027-08" })));
      if (started.kind !== "task") throw new Error("expected a task");
      // A's worker is parked on its first ledger read (the bank references already booked).
      await held.waitForWaiter(PARKED_READ);
      expect(await onB.tasks.get(started.task.taskId)).toMatchObject({ status: "working" });
      await onB.tasks.cancel(started.task.taskId);
      await held.release();
      expect(await endOf(onB.tasks.result(started.task.taskId, { maxPollIntervalMs: 50 }))).toMatchObject({ status: "cancelled" });

      held = await brake();
      const month = era === "modern" ? "2027-09" : "2027-10";
      const applying = await onA.tasks.callTool("finance_reconcile_month", reconcileArgs(`pg-cancel-rec-${era}`, month, csvStatement(2000, { prefix: `PGR${tag}`, month }), true));
      if (applying.kind !== "task") throw new Error("expected a task");
      // Parked on reading the month's postings; applying would book all 2000 unmatched lines.
      await held.waitForWaiter(PARKED_READ);
      await onB.tasks.cancel(applying.task.taskId);
      await held.release();
      expect(await endOf(onB.tasks.result(applying.task.taskId, { maxPollIntervalMs: 50 }))).toMatchObject({ status: "cancelled" });

      // "cancelled" is written by A's worker after its job stopped, so nothing can book later.
      expect(await ledgerDigest(storage)).toEqual(before);
      expect((await storage.existingBankRefs("acc_operating", [`PGC${tag}-0`, `PGC${tag}-1999`, `PGR${tag}-0`, `PGR${tag}-1999`])).size).toBe(0);
    }, 120_000);

    it(`${era}: SIGKILL of A while its import is held: B resumes it after the lease and books the file exactly once`, async () => {
      const LINES = 2000;
      const before = await ledgerDigest(storage);
      const statement = csvStatement(LINES, { prefix: `PGK${tag}`, month: era === "modern" ? "2027-11" : "2027-12" });
      const key = `pg-kill-import-${era}`;
      const onA = await connect(a.url, era);
      const onB = await connect(b.url, era);
      const held = await brake();
      const started = await onA.tasks.callTool("finance_import_statement", importArgs(key, statement));
      if (started.kind !== "task") throw new Error("expected a task");
      await held.waitForWaiter(PARKED_READ);
      expect(await a.kill("SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });
      await held.release();

      const statuses: DetailedTask[] = [];
      const result = await onB.tasks.result(started.task.taskId, { maxPollIntervalMs: 100, timeoutMs: 90_000, onStatus: (task) => statuses.push(task) });
      expect(statuses.some((task) => /Resumed after the previous worker stopped \(attempt 2\)/.test(task.statusMessage ?? ""))).toBe(true);
      const summary = result.structuredContent as { imported: number; duplicates: number; dryRun: boolean };
      expect(summary).toMatchObject({ dryRun: false, imported: LINES, duplicates: 0 });
      const after = await ledgerDigest(storage);
      expect(after.entries).toBe(before.entries + LINES);
      const refs = Array.from({ length: LINES }, (_, n) => `PGK${tag}-${n}`);
      expect((await storage.existingBankRefs("acc_operating", refs)).size).toBe(LINES);

      // The same call again (same key) replays instead of booking a second time.
      const again = await onB.tasks.run("finance_import_statement", importArgs(key, statement), { maxPollIntervalMs: 50 });
      expect(again.structuredContent).toMatchObject({ idempotentReplayed: true });
      expect(await ledgerDigest(storage)).toEqual(after);

      // A restarted on the same database answers for the task B finished.
      a = await startHttpBin(BIN, { args: pgArgs, env: binEnv });
      const restarted = await connect(a.url, era === "modern" ? "legacy" : "modern");
      expect(await restarted.tasks.get(started.task.taskId)).toMatchObject({ status: "completed" });
    }, 180_000);
  }
});
