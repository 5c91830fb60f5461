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

  it("cancels an import (from B) and an applying reconciliation midway: the ledger is byte-identical", async () => {
    const before = await ledgerDigest(storage);
    const onA = await connect(a.url, "modern");
    const onB = await connect(b.url, "modern");
    const started = await onA.tasks.callTool("finance_import_statement", importArgs("xp-cancel-import-0001", csvStatement(30_000, { prefix: "XCAN", month: "2027-08" })));
    if (started.kind !== "task") throw new Error("expected a task");
    await waitForTask(onB.tasks, started.task.taskId, midway(30_000));
    await onB.tasks.cancel(started.task.taskId);
    const end = await onB.tasks.result(started.task.taskId, { maxPollIntervalMs: 50 }).catch((error: unknown) => (error as TaskEndedError).task);
    expect(end).toMatchObject({ status: "cancelled" });

    const applying = await onA.tasks.callTool("finance_reconcile_month", reconcileArgs("xp-cancel-rec-0001", "2027-09", csvStatement(20_000, { prefix: "XREC", month: "2027-09" }), true));
    if (applying.kind !== "task") throw new Error("expected a task");
    await waitForTask(onA.tasks, applying.task.taskId, midway(20_000));
    await onA.tasks.cancel(applying.task.taskId);
    const ended = await onB.tasks.result(applying.task.taskId, { maxPollIntervalMs: 50 }).catch((error: unknown) => (error as TaskEndedError).task);
    expect(ended).toMatchObject({ status: "cancelled" });

    expect(await ledgerDigest(storage)).toEqual(before);
    expect((await storage.existingBankRefs("acc_operating", ["XCAN-0", "XCAN-29999", "XREC-0", "XREC-19999"])).size).toBe(0);
  }, 180_000);

  it("SIGKILL of the worker mid-import: B takes the task over after the lease and books every line once; a restarted A reads the result", async () => {
    const LINES = 10_000;
    const before = await ledgerDigest(storage);
    const onA = await connect(a.url, "modern");
    const started = await onA.tasks.callTool("finance_import_statement", importArgs("xp-kill-import-0001", csvStatement(LINES, { prefix: "XKILL", month: "2027-10" })));
    if (started.kind !== "task") throw new Error("expected a task");
    const onB = await connect(b.url, "modern");
    await waitForTask(onB.tasks, started.task.taskId, midway(LINES));
    expect(await a.kill("SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });

    const statuses: DetailedTask[] = [];
    const result = await onB.tasks.result(started.task.taskId, { maxPollIntervalMs: 50, timeoutMs: 60_000, onStatus: (task) => statuses.push(task) });
    expect(statuses.some((task) => /Resumed after the previous worker stopped \(attempt 2\)/.test(task.statusMessage ?? ""))).toBe(true);
    // A restarted on the same store answers for the task B finished.
    a = await startHttpBin(BIN, { args: binArgs, env: binEnv });
    const restarted = await connect(a.url, "legacy");
    expect(await restarted.tasks.get(started.task.taskId)).toMatchObject({ status: "completed" });

    const summary = result.structuredContent as { imported: number; duplicates: number };
    // Booked once: the whole file by B (A died before its one transaction), never twice.
    expect(summary.imported + summary.duplicates).toBe(LINES);
    const after = await ledgerDigest(storage);
    expect(after.entries).toBe(before.entries + LINES);
    const refs = Array.from({ length: LINES }, (_, n) => `XKILL-${n}`);
    expect((await storage.existingBankRefs("acc_operating", refs)).size).toBe(LINES);

    // The same call again (same key) replays instead of booking a second time.
    const again = await onB.tasks.run("finance_import_statement", importArgs("xp-kill-import-0001", csvStatement(LINES, { prefix: "XKILL", month: "2027-10" })), { maxPollIntervalMs: 50 });
    expect((await ledgerDigest(storage)).entries).toBe(before.entries + LINES);
    expect(again.structuredContent).toMatchObject({ idempotentReplayed: true });

  }, 180_000);

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

  it("figures: time to first progress and task-vs-sync overhead of a small job, across processes", async () => {
    const sync = await connect(b.url, "modern", false);
    const tasks = await connect(a.url, "modern");
    const small = csvStatement(20, { prefix: "XFIG", month: "2027-12" });
    const syncMs: number[] = [];
    const taskMs: number[] = [];
    const firstProgressMs: number[] = [];
    const firstTaskProgressMs: number[] = [];
    for (let round = 0; round < 5; round++) {
      const args = importArgs(`xp-fig-${round}-000`, small, true);
      const progress = recordProgress();
      let t0 = performance.now();
      await sync.client.callTool({ name: "finance_import_statement", arguments: args }, { onprogress: progress.onprogress });
      syncMs.push(performance.now() - t0);
      firstProgressMs.push(progress.firstAfterMs() ?? NaN);

      t0 = performance.now();
      tasks.retarget(a.url);
      const outcome = await tasks.tasks.callTool("finance_import_statement", args);
      if (outcome.kind !== "task") throw new Error("expected a task");
      tasks.retarget(b.url);
      await tasks.tasks.result(outcome.task.taskId, { maxPollIntervalMs: 20 });
      taskMs.push(performance.now() - t0);

      // Time until B shows the progress A's worker wrote, for a job big enough to report midway.
      tasks.retarget(a.url);
      t0 = performance.now();
      const big = await tasks.tasks.callTool("finance_import_statement", importArgs(`xp-figbig-${round}-000`, csvStatement(10_000, { prefix: `XFB${round}`, month: "2027-12" }), true));
      if (big.kind !== "task") throw new Error("expected a task");
      tasks.retarget(b.url);
      await waitForTask(tasks.tasks, big.task.taskId, midway(10_000), { intervalMs: 5 });
      firstTaskProgressMs.push(performance.now() - t0);
      await tasks.tasks.cancel(big.task.taskId);
    }
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
    process.stdout.write(
      `[figures] finance small import (20 lines, dry run), median of 5: sync ${median(syncMs).toFixed(1)} ms, ` +
        `task created on A + polled on B ${median(taskMs).toFixed(1)} ms; first progress notification (sync) ${median(firstProgressMs).toFixed(1)} ms; ` +
        `first progress visible on B for a task on A ${median(firstTaskProgressMs).toFixed(1)} ms\n`,
    );
    expect(syncMs.every((ms) => ms > 0) && taskMs.every((ms) => ms > 0)).toBe(true);
    expect(firstProgressMs.every(Number.isFinite)).toBe(true);
  }, 240_000);
});
