import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTaskClient, createTaskRuntime, openStateStore, serveHttp, TASKS_EXTENSION_ID, type RunningHttpServer, type StateStore, type TaskRuntime } from "@mcp-verticals/core";
import { connectInProcess, holdNextCall } from "@mcp-verticals/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSV_MAPPING, connectFinance, csvStatement } from "../__fixtures__/long-jobs.js";
import { FINANCE_EXTENSION_ID } from "../extension.js";
import { createFinanceRuntime, type FinanceRuntime } from "../server.js";

const identity = { name: FINANCE_EXTENSION_ID, title: "Finance", version: "0.1.0", description: "test" };

interface Replica {
  finance: FinanceRuntime;
  tasks: TaskRuntime;
  http: RunningHttpServer;
}

describe("finance long jobs as tasks", () => {
  const dir = mkdtempSync(join(tmpdir(), "finance-tasks-"));
  const database = join(dir, "ledger.sqlite");
  let state: StateStore;
  let a: Replica;
  let b: Replica;

  const replica = async (): Promise<Replica> => {
    const tasks = createTaskRuntime({ state, leaseMs: 3000, pollIntervalMs: 50 });
    const finance = await createFinanceRuntime({ database, state, tasks, toolsets: ["read", "import"] });
    const http = await serveHttp(() => finance.createServer(), { port: 0, identity, maxBodyBytes: 8 * 1024 * 1024 });
    return { finance, tasks, http };
  };
  const ledgerSnapshot = async (finance: FinanceRuntime) => JSON.stringify(await finance.storage.trialBalance(), (_key, value) => (typeof value === "bigint" ? value.toString() : value));

  beforeAll(async () => {
    state = await openStateStore({ file: join(dir, "state.sqlite") });
    a = await replica();
    b = await replica();
  });
  afterAll(async () => {
    for (const r of [a, b]) {
      await r.tasks.close();
      await r.http.close();
      await r.finance.close();
    }
    await state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("imports a statement as a task on one replica, polled from another", async () => {
    const onA = createTaskClient(await connectFinance(a.http.url));
    const onB = createTaskClient(await connectFinance(b.http.url));
    const outcome = await onA.callTool("finance_import_statement", { idempotencyKey: "task-import-0001", format: "csv", accountId: "acc_operating", csvMapping: CSV_MAPPING, content: csvStatement(2000, { prefix: "IMP", month: "2027-01" }), dryRun: false });
    expect(outcome.kind).toBe("task");
    if (outcome.kind !== "task") return;
    const result = await onB.result(outcome.task.taskId);
    expect(result.structuredContent).toMatchObject({ imported: 2000, duplicates: 0 });
    expect((await b.finance.storage.existingBankRefs("acc_operating", ["IMP-0", "IMP-1999"])).size).toBe(2);
  });

  it("cancels an import midway and books nothing", async () => {
    const before = await ledgerSnapshot(a.finance);
    const tasks = createTaskClient(await connectFinance(a.http.url));
    // The job is parked at its first ledger read, so the cancellation is recorded before it can book.
    const held = holdNextCall(a.finance.storage, "existingBankRefs");
    try {
      const outcome = await tasks.callTool("finance_import_statement", { idempotencyKey: "task-import-cancel", format: "csv", accountId: "acc_operating", csvMapping: CSV_MAPPING, content: csvStatement(60_000, { prefix: "CAN" }), dryRun: false });
      if (outcome.kind !== "task") throw new Error("expected a task");
      await held.reached;
      expect((await tasks.get(outcome.task.taskId)).status).toBe("working");
      await tasks.cancel(outcome.task.taskId);
      held.release();
      const end = await tasks.result(outcome.task.taskId).catch((error: { task?: { status: string } }) => error.task);
      expect(end).toMatchObject({ status: "cancelled" });
    } finally {
      held.restore();
    }
    expect((await a.finance.storage.existingBankRefs("acc_operating", ["CAN-0", "CAN-59999"])).size).toBe(0);
    expect(await ledgerSnapshot(a.finance)).toBe(before);
  }, 60_000);

  it("reconciles a month: unmatched items on both sides, then books the missing lines", async () => {
    const tasks = createTaskClient(await connectFinance(a.http.url));
    // The ledger holds REC-0..REC-99 except 10 and 11; the statement has all but 50 and 51, plus their replacement lines.
    const ledger = csvStatement(100, { prefix: "REC", skip: (n) => n === 10 || n === 11 });
    await tasks.run("finance_import_statement", { idempotencyKey: "rec-seed-0001", format: "csv", accountId: "acc_operating", csvMapping: CSV_MAPPING, content: ledger, dryRun: false });
    const statement = csvStatement(100, { prefix: "REC", skip: (n) => n === 50 || n === 51 });
    const read = (await tasks.run("finance_reconcile_month", { idempotencyKey: "rec-read-0001", accountId: "acc_operating", month: "2027-03", format: "csv", csvMapping: CSV_MAPPING, content: statement })).structuredContent as any;
    expect(read).toMatchObject({ statementLines: 98, matched: 96, unmatchedStatementCount: 2, unmatchedLedgerCount: 2 });
    expect(read.unmatchedStatement.map((line: any) => line.bankRef).sort()).toEqual(["REC-10", "REC-11"]);
    expect(read.unmatchedLedger).toHaveLength(2);
    expect(read.applied).toBeUndefined();

    // Cancelling an applying reconciliation leaves the ledger exactly as it was.
    const before = await ledgerSnapshot(a.finance);
    const big = csvStatement(40_000, { prefix: "BIG", month: "2027-04" });
    const held = holdNextCall(a.finance.storage, "existingBankRefs");
    try {
      const cancelled = await tasks.callTool("finance_reconcile_month", { idempotencyKey: "rec-cancel-0001", accountId: "acc_operating", month: "2027-04", format: "csv", csvMapping: CSV_MAPPING, content: big, apply: true });
      if (cancelled.kind !== "task") throw new Error("expected a task");
      await held.reached;
      await tasks.cancel(cancelled.task.taskId);
      held.release();
      const end = await tasks.result(cancelled.task.taskId).catch((error: { task?: { status: string } }) => error.task);
      expect(end).toMatchObject({ status: "cancelled" });
    } finally {
      held.restore();
    }
    expect(await ledgerSnapshot(a.finance)).toBe(before);

    const applied = (await tasks.run("finance_reconcile_month", { idempotencyKey: "rec-apply-0001", accountId: "acc_operating", month: "2027-03", format: "csv", csvMapping: CSV_MAPPING, content: statement, apply: true })).structuredContent as any;
    expect(applied.applied.booked).toBe(2);
    const again = (await tasks.run("finance_reconcile_month", { idempotencyKey: "rec-read-0002", accountId: "acc_operating", month: "2027-03", format: "csv", csvMapping: CSV_MAPPING, content: statement })).structuredContent as any;
    expect(again).toMatchObject({ unmatchedStatementCount: 0, unmatchedLedgerCount: 2 });
  }, 60_000);

  it("reports strictly increasing progress for both jobs on a synchronous call", async () => {
    const client = await connectFinance(a.http.url, { tasks: false });
    for (const [name, args] of [
      ["finance_import_statement", { idempotencyKey: "prog-import-0001", format: "csv", accountId: "acc_operating", csvMapping: CSV_MAPPING, content: csvStatement(3000, { prefix: "PRG", month: "2027-05" }), dryRun: false }],
      ["finance_reconcile_month", { idempotencyKey: "prog-rec-0001", accountId: "acc_operating", month: "2027-05", format: "csv", csvMapping: CSV_MAPPING, content: csvStatement(3000, { prefix: "PRG", month: "2027-05" }) }],
    ] as const) {
      const progress: Array<{ progress: number; total?: number }> = [];
      const result = await client.callTool({ name, arguments: args }, { onprogress: (p) => progress.push(p) });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      expect(progress.length, name).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < progress.length; i++) expect(progress[i]!.progress).toBeGreaterThan(progress[i - 1]!.progress);
      expect(progress.at(-1)!.progress).toBe(progress.at(-1)!.total);
    }
    const reconciled = await client.callTool({ name: "finance_reconcile_month", arguments: { idempotencyKey: "prog-rec-0002", accountId: "acc_operating", month: "2027-05", format: "csv", csvMapping: CSV_MAPPING, content: csvStatement(3000, { prefix: "PRG", month: "2027-05" }) } });
    expect(reconciled.structuredContent).toMatchObject({ matched: 3000, unmatchedStatementCount: 0, unmatchedLedgerCount: 0 });
  }, 60_000);

  it("runs a reconciliation as a task over a 2025 connection", async () => {
    const { client, close } = await connectInProcess(() => a.finance.createServer(), { era: "legacy", extensions: { [TASKS_EXTENSION_ID]: {}, [FINANCE_EXTENSION_ID]: {} } });
    try {
      const tasks = createTaskClient(client);
      const outcome = await tasks.callTool("finance_reconcile_month", { idempotencyKey: "legacy-rec-0001", accountId: "acc_operating", month: "2027-03", format: "csv", csvMapping: CSV_MAPPING, content: csvStatement(100, { prefix: "REC" }) });
      expect(outcome.kind).toBe("task");
      if (outcome.kind !== "task") return;
      expect((await tasks.result(outcome.task.taskId)).structuredContent).toMatchObject({ statementLines: 100, unmatchedStatementCount: 0 });
    } finally {
      await close();
    }
  });
});
