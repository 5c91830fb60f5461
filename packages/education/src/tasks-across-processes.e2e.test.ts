/**
 * Education's long jobs as tasks across real server processes: two `mcp-education --http`
 * processes keep their records and their state (tasks, approvals, audit) in one PostgreSQL
 * database. A roster import (approved with the operator command) and a gradebook export started
 * on A are polled, cancelled and read on B, in both protocol eras. The brake is real: the test
 * holds `LOCK TABLE edu_oneroster` in an open transaction, so A's job stops at its first read
 * (ACCESS EXCLUSIVE) or its first write (SHARE), seen waiting in `pg_stat_activity`, and the test
 * cancels it or kills A with SIGKILL right there.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openStateStore, toolErrorOf, type DetailedTask, type StateStore, type TaskEndedError } from "@mcp-verticals/core";
import {
  connectHttp,
  increasingProblem,
  lockTable,
  postgresAvailable,
  recordProgress,
  startHttpBin,
  startPostgresCluster,
  type HttpBin,
  type HttpConnection,
  type PostgresTestCluster,
} from "@mcp-verticals/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresEducationStore } from "./backend/postgres-store.js";
import { generateSchool } from "./backend/seed.js";
import { EDUCATION_EXTENSION_ID } from "./extension.js";
import { GRADEBOOK_EXPORT_NAMESPACE, gradebookExportIdFor } from "./standards/gradebook-export.js";
import { readCsvTable } from "./standards/oneroster-csv-reader.js";
import { writeOneRosterCsv } from "./standards/oneroster-csv.js";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
// Long enough that a job parked for a moment keeps its lease; short enough that a takeover comes soon.
const LEASE_MS = 4000;
const AUDIT_KEY = "education-task-processes-audit-key-0123456789";
const ADMIN = "adm-001";
const CLASS = "cls-alg1-a";
const dir = mkdtempSync(join(tmpdir(), "edu-task-procs-"));
const binEnv = { MCP_TASKS_LEASE_MS: String(LEASE_MS), MCP_AUDIT_KEY: AUDIT_KEY };
type Files = { name: string; content: string }[];

/** A OneRoster 1.2 bulk export of `students` new learners (and their teachers) of the seeded school, ids prefixed. */
async function rosterFiles(prefix: string, students: number): Promise<Files> {
  const school = generateSchool({ students, gradebook: false });
  const users = school.users.map((user) => ({ ...user, sourcedId: `${prefix}-${user.sourcedId}` }));
  const folder = join(dir, prefix);
  await writeOneRosterCsv(folder, { ...school, users, academicSessions: [], courses: [], classes: [], enrollments: [], categories: [], lineItems: [], results: [] });
  return readdirSync(folder).map((name) => ({ name, content: readFileSync(join(folder, name), "utf8") }));
}
const usersIn = (files: Files) => files.find((file) => file.name === "users.csv")!.content.trim().split("\n").length - 1;

describe.runIf(postgresAvailable())("education long jobs as tasks across server processes (one PostgreSQL database)", () => {
  let cluster: PostgresTestCluster;
  let database: string;
  let records: PostgresEducationStore;
  let state: StateStore;
  let a: HttpBin;
  let b: HttpBin;
  const connections: HttpConnection[] = [];
  const connect = async (url: string, era: "modern" | "legacy", tasks = true) => {
    const connection = await connectHttp(url, { era, tasks, extensions: { [EDUCATION_EXTENSION_ID]: {} } });
    connections.push(connection);
    return connection;
  };
  const start = () => startHttpBin(BIN, { args: ["--postgres", database, "--toolsets", "all", "--allow-writes", "import_roster", "--principal", ADMIN, "--role", "admin", "--max-body-bytes", String(16 * 1024 * 1024)], env: binEnv });
  /** The operator approves at the server's command line, on the same database. */
  const approve = (approvalId: string) => {
    const run = spawnSync(process.execPath, [BIN, "approvals", "approve", approvalId, "--postgres", database], { encoding: "utf8", env: { ...process.env, ...binEnv } });
    expect(run.status, run.stdout + run.stderr).toBe(0);
  };
  /** A plain call of the import: the server opens an approval and names it. */
  const pendingApproval = async (url: string, files: Files): Promise<string> => {
    const plain = await connect(url, "modern", false);
    const error = toolErrorOf(await plain.client.callTool({ name: "edu_import_roster", arguments: { files, dryRun: false } }));
    expect(error?.code).toBe("APPROVAL_PENDING");
    return String(error!.data!.approvalId);
  };
  const exportsOf = async (taskId: string) => (await state.list(GRADEBOOK_EXPORT_NAMESPACE, { prefix: gradebookExportIdFor(taskId) })).map((record) => record.key);
  const resumed = (statuses: DetailedTask[]) => statuses.some((task) => /Resumed after the previous worker stopped \(attempt 2\)/.test(task.statusMessage ?? ""));

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    database = await cluster.createDatabase("education_tasks");
    // A migrates and seeds the school; the test adds its administrator; B joins.
    a = await start();
    records = new PostgresEducationStore(database);
    records.putRecords("users", [
      { sourcedId: ADMIN, status: "active", dateLastModified: "2026-08-01T00:00:00Z", enabledUser: true, givenName: "Ada", familyName: "Admin", roles: [{ roleType: "primary", role: "administrator", org: { sourcedId: "org-district", type: "org" } }] } as never,
    ]);
    b = await start();
    state = await openStateStore({ url: database });
  }, 120_000);
  afterAll(async () => {
    for (const [name, bin] of [["A", a], ["B", b]] as const) {
      if (bin && (bin.child.exitCode !== null || (bin.child.signalCode !== null && bin.child.signalCode !== "SIGKILL"))) process.stderr.write(`${name} exited early:\n${bin.stderr().slice(-4000)}\n`);
    }
    await Promise.all(connections.map((connection) => connection.close().catch(() => undefined)));
    await Promise.all([a?.kill(), b?.kill()]);
    records?.close();
    await state?.close();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const era of ["modern", "legacy"] as const) {
    it(`${era}: an approved import and a gradebook export started on A are polled and read on B`, async () => {
      const files = await rosterFiles(`xp${era[0]}`, 40);
      approve(await pendingApproval(a.url, files));
      const before = records.count("users");
      const connection = await connect(a.url, era);
      const imported = await connection.tasks.callTool("edu_import_roster", { files, dryRun: false });
      expect(imported.kind).toBe("task");
      if (imported.kind !== "task") return;
      // Everything after creation goes to B; a 2025 client keeps the session id A signed.
      connection.retarget(b.url);
      expect((await connection.tasks.get(imported.task.taskId)).taskId).toBe(imported.task.taskId);
      const out = (await connection.tasks.result(imported.task.taskId, { maxPollIntervalMs: 50 })).structuredContent as Record<string, unknown>;
      expect(out).toMatchObject({ status: "written", approvedThrough: "operator-command", problemTotal: 0 });
      expect(records.count("users") - before).toBe(usersIn(files));

      connection.retarget(a.url);
      const exporting = await connection.tasks.callTool("edu_export_results", { classSourcedId: CLASS });
      if (exporting.kind !== "task") throw new Error("expected a task");
      connection.retarget(b.url);
      const exported = (await connection.tasks.result(exporting.task.taskId, { maxPollIntervalMs: 50 })).structuredContent as { uri: string; rows: number };
      expect(exported.rows).toBeGreaterThan(0);
      const read = await connection.client.readResource({ uri: exported.uri });
      const table = readCsvTable((read.contents[0] as { text: string }).text, "results.csv");
      expect(table.rows).toHaveLength(exported.rows);
      expect(table.rows.every((row) => /^p-[a-z0-9]{24}$/.test(row[4]!))).toBe(true);
    }, 90_000);
  }

  it("cancels an approved import parked at its first read, from B: nothing is written and the approval still stands", async () => {
    const files = await rosterFiles("xpcancel", 40);
    const approvalId = await pendingApproval(a.url, files);
    approve(approvalId);
    const before = records.count("users");
    const onA = await connect(a.url, "modern");
    const onB = await connect(b.url, "modern");
    const lock = await lockTable(database, "edu_oneroster");
    let taskId: string;
    try {
      const outcome = await onA.tasks.callTool("edu_import_roster", { files, dryRun: false });
      if (outcome.kind !== "task") throw new Error("expected a task");
      taskId = outcome.task.taskId;
      // A's job waits for the caller's user record: it has checked nothing and spent nothing yet.
      await lock.waitForWaiter();
      expect((await onB.tasks.get(taskId)).status).toBe("working");
      await onB.tasks.cancel(taskId);
    } finally {
      await lock.release();
    }
    const end = await onB.tasks.result(taskId, { maxPollIntervalMs: 50 }).catch((error: unknown) => (error as TaskEndedError).task);
    expect(end).toMatchObject({ status: "cancelled" });
    expect(records.count("users")).toBe(before);
    // The cancelled run stopped before spending the approval: the same import, called again, writes with it.
    const again = await onB.tasks.callTool("edu_import_roster", { files, dryRun: false });
    if (again.kind !== "task") throw new Error("expected a task");
    expect((await onB.tasks.result(again.task.taskId, { maxPollIntervalMs: 50 })).structuredContent).toMatchObject({ status: "written", approvalId });
    expect(records.count("users") - before).toBe(usersIn(files));
  }, 90_000);

  it("cancels an export parked at its first read, from B: no export file is left", async () => {
    const onA = await connect(a.url, "legacy");
    const onB = await connect(b.url, "legacy");
    const lock = await lockTable(database, "edu_oneroster");
    let taskId: string;
    try {
      const outcome = await onA.tasks.callTool("edu_export_results", { classSourcedId: CLASS });
      if (outcome.kind !== "task") throw new Error("expected a task");
      taskId = outcome.task.taskId;
      await lock.waitForWaiter();
      await onB.tasks.cancel(taskId);
    } finally {
      await lock.release();
    }
    const end = await onB.tasks.result(taskId, { maxPollIntervalMs: 50 }).catch((error: unknown) => (error as TaskEndedError).task);
    expect(end).toMatchObject({ status: "cancelled" });
    expect(await exportsOf(taskId)).toEqual([]);
  }, 60_000);

  it("SIGKILL of A parked at the import's first write: nothing is written; B takes the task over, finds the approval spent and asks again; the new approval writes once", async () => {
    const files = await rosterFiles("xpkill", 40);
    const approvalId = await pendingApproval(b.url, files);
    approve(approvalId);
    const before = records.count("users");
    const onA = await connect(a.url, "modern");
    const onB = await connect(b.url, "legacy");
    // SHARE: reads pass, so A checks the files and spends the approval, then waits inside its write transaction.
    const lock = await lockTable(database, "edu_oneroster", { mode: "SHARE" });
    let taskId: string;
    let parked: { pid: number };
    try {
      const outcome = await onA.tasks.callTool("edu_import_roster", { files, dryRun: false });
      if (outcome.kind !== "task") throw new Error("expected a task");
      taskId = outcome.task.taskId;
      parked = await lock.waitForWaiter({ query: /^INSERT INTO edu_oneroster/ });
      expect(await a.kill("SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });
    } finally {
      await lock.release();
    }
    // A's connection ends with A, and PostgreSQL rolls its open transaction back.
    await lock.waitForGone(parked.pid);
    expect(records.count("users")).toBe(before);

    const statuses: DetailedTask[] = [];
    const result = await onB.tasks.result(taskId, { maxPollIntervalMs: 50, timeoutMs: 60_000, onStatus: (task) => statuses.push(task) });
    expect(resumed(statuses)).toBe(true);
    // The restart never replays a spent approval: it opens a new one and writes nothing.
    const error = toolErrorOf(result);
    expect(error?.code).toBe("APPROVAL_PENDING");
    expect(error?.data?.approvalId).not.toBe(approvalId);
    expect(records.count("users")).toBe(before);
    approve(String(error!.data!.approvalId));
    const again = await onB.tasks.callTool("edu_import_roster", { files, dryRun: false });
    if (again.kind !== "task") throw new Error("expected a task");
    expect((await onB.tasks.result(again.task.taskId, { maxPollIntervalMs: 50 })).structuredContent).toMatchObject({ status: "written" });
    expect(records.count("users") - before).toBe(usersIn(files));

    a = await start();
    const restarted = await connect(a.url, "modern");
    expect(await restarted.tasks.get(taskId)).toMatchObject({ status: "completed" });
  }, 120_000);

  it("SIGKILL of A parked at the export's first read: B resumes the export after the lease and publishes it once", async () => {
    const onA = await connect(a.url, "modern");
    const onB = await connect(b.url, "modern");
    const lock = await lockTable(database, "edu_oneroster");
    let taskId: string;
    let parked: { pid: number };
    try {
      const outcome = await onA.tasks.callTool("edu_export_results", { classSourcedId: CLASS });
      if (outcome.kind !== "task") throw new Error("expected a task");
      taskId = outcome.task.taskId;
      parked = await lock.waitForWaiter();
      expect(await a.kill("SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });
    } finally {
      await lock.release();
    }
    await lock.waitForGone(parked.pid);
    const statuses: DetailedTask[] = [];
    const exported = (await onB.tasks.result(taskId, { maxPollIntervalMs: 50, timeoutMs: 60_000, onStatus: (task) => statuses.push(task) })).structuredContent as { uri: string; rows: number };
    expect(resumed(statuses)).toBe(true);
    expect(await exportsOf(taskId)).toEqual([gradebookExportIdFor(taskId)]);
    const read = await onB.client.readResource({ uri: exported.uri });
    expect(readCsvTable((read.contents[0] as { text: string }).text, "results.csv").rows).toHaveLength(exported.rows);
    a = await start();
  }, 120_000);

  it("reports strictly increasing progress for both long jobs over HTTP", async () => {
    const connection = await connect(b.url, "modern", false);
    // Rows are checked in slices of 4096: this export has 10,000 rows or more.
    const files = await rosterFiles("xpprog", 5000);
    const importing = recordProgress();
    const checked = await connection.client.callTool({ name: "edu_import_roster", arguments: { files, dryRun: true } }, { onprogress: importing.onprogress, timeout: 60_000 });
    expect(checked.isError, JSON.stringify(checked.content).slice(0, 300)).toBeFalsy();
    // Progress goes out at most every 50 ms (the last step always), so how many arrive depends on speed: at least two.
    expect(increasingProblem(importing.values(), { min: 2 })).toBeUndefined();
    const lastImport = importing.values().at(-1)!;
    expect(lastImport.progress).toBe(lastImport.total);
    const exporting = recordProgress();
    const exported = await connection.client.callTool({ name: "edu_export_results", arguments: { classSourcedId: CLASS } }, { onprogress: exporting.onprogress, timeout: 60_000 });
    expect(exported.isError).toBeFalsy();
    expect(increasingProblem(exporting.values())).toBeUndefined();
    expect(exporting.values().at(-1)).toMatchObject({ progress: (exported.structuredContent as { lineItems: number }).lineItems });
  }, 90_000);

  it("figures: time to first progress and task-vs-sync overhead of an export, across processes", async () => {
    const sync = await connect(b.url, "modern", false);
    const tasks = await connect(a.url, "modern");
    const syncMs: number[] = [];
    const taskMs: number[] = [];
    const firstProgressMs: number[] = [];
    for (let round = 0; round < 5; round++) {
      const progress = recordProgress();
      let t0 = performance.now();
      await sync.client.callTool({ name: "edu_export_results", arguments: { classSourcedId: CLASS } }, { onprogress: progress.onprogress });
      syncMs.push(performance.now() - t0);
      firstProgressMs.push(progress.firstAfterMs() ?? NaN);
      t0 = performance.now();
      tasks.retarget(a.url);
      const outcome = await tasks.tasks.callTool("edu_export_results", { classSourcedId: CLASS });
      if (outcome.kind !== "task") throw new Error("expected a task");
      tasks.retarget(b.url);
      await tasks.tasks.result(outcome.task.taskId, { maxPollIntervalMs: 20 });
      taskMs.push(performance.now() - t0);
    }
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
    process.stdout.write(
      `[figures] education gradebook export of ${CLASS}, median of 5: sync ${median(syncMs).toFixed(1)} ms, task created on A + polled on B ${median(taskMs).toFixed(1)} ms; ` +
        `first progress notification (sync) ${median(firstProgressMs).toFixed(1)} ms\n`,
    );
    expect(firstProgressMs.every(Number.isFinite)).toBe(true);
  }, 90_000);
});
