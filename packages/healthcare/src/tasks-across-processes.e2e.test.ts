/**
 * `fhir_bulk_export` as a task across real server processes: two `mcp-healthcare --http`
 * processes share one SQLite state file and read one FHIR REST server (the embedded synthetic
 * store on loopback, behind a proxy the test can pause). A task started on A is polled, cancelled
 * and read on B in both protocol eras; a worker killed with SIGKILL mid-export is taken over by
 * B once its lease lapses, and the export is published once, with no stray files.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openStateStore, TaskEndedError, type DetailedTask, type StateStore } from "@mcp-verticals/core";
import { connectHttp, increasingProblem, recordProgress, startHttpBin, waitForTask, type HttpBin, type HttpConnection } from "@mcp-verticals/core/testing";
import type { Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatedFhir, type GatedFhir } from "./__fixtures__/gated-fhir.js";
import { BULK_EXPORT_NAMESPACE, exportIdFor } from "./bulk/export-files.js";
import { HEALTHCARE_EXTENSION_ID } from "./extension.js";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const LEASE_MS = 1000;
const dir = mkdtempSync(join(tmpdir(), "healthcare-task-procs-"));
const stateFile = join(dir, "state.sqlite");
const binEnv = { MCP_TASKS_LEASE_MS: String(LEASE_MS) };

interface Manifest {
  resourceCount: number;
  phiMode: string;
  output: Array<{ type: string; url: string; count: number }>;
}

const midway = (task: DetailedTask) => {
  const match = /^(\d+)\/(\d+) /.exec(task.statusMessage ?? "");
  return match !== null && Number(match[1]) > 0 && Number(match[1]) < Number(match[2]);
};

async function readLines(client: Client, manifest: Manifest): Promise<Array<{ resourceType: string; id: string }>> {
  const lines: Array<{ resourceType: string; id: string }> = [];
  for (const file of manifest.output) {
    const read = await client.readResource({ uri: file.url });
    const text = (read.contents[0] as { text: string }).text;
    const parsed = text.trimEnd().split("\n").map((line) => JSON.parse(line) as { resourceType: string; id: string });
    expect(parsed.length, file.url).toBe(file.count);
    lines.push(...parsed);
  }
  return lines;
}

describe("fhir_bulk_export as a task across server processes (one SQLite state)", () => {
  let fhir: GatedFhir;
  let a: HttpBin;
  let b: HttpBin;
  let state: StateStore;
  let reference: Manifest;
  const connections: HttpConnection[] = [];
  const connect = async (url: string, era: "modern" | "legacy", tasks = true) => {
    const connection = await connectHttp(url, { era, tasks, extensions: { [HEALTHCARE_EXTENSION_ID]: { acceptPhi: "limited" } } });
    connections.push(connection);
    return connection;
  };
  const start = () => startHttpBin(BIN, { args: ["--fhir-url", fhir.url, "--state", stateFile, "--toolsets", "default,bulk"], env: binEnv });
  const filesOf = async (taskId: string) => (await state.list(BULK_EXPORT_NAMESPACE, { prefix: exportIdFor(taskId) })).map((record) => record.key).sort();
  /** With the gate held, lets the export through one FHIR request at a time until it has written a file part; the gate stays held. */
  const stepUntilFiles = async (taskId: string) => {
    const deadline = Date.now() + 60_000;
    while ((await filesOf(taskId)).length === 0) {
      if (Date.now() > deadline) throw new Error(`the export wrote no file part (${fhir.forwarded()} FHIR requests)`);
      if (!fhir.releaseOne()) await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  beforeAll(async () => {
    fhir = await startGatedFhir();
    a = await start();
    b = await start();
    state = await openStateStore({ file: stateFile });
  }, 60_000);
  afterAll(async () => {
    fhir?.release();
    await Promise.all(connections.map((connection) => connection.close().catch(() => undefined)));
    await Promise.all([a?.kill(), b?.kill()]);
    await state?.close();
    await fhir?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reports strictly increasing progress for a synchronous system export over HTTP", async () => {
    const connection = await connect(b.url, "modern", false);
    const progress = recordProgress();
    const result = await connection.client.callTool({ name: "fhir_bulk_export", arguments: { level: "system" } }, { onprogress: progress.onprogress, timeout: 60_000 });
    expect(result.isError, JSON.stringify(result.content).slice(0, 300)).toBeFalsy();
    reference = result.structuredContent as unknown as Manifest;
    expect(reference.resourceCount).toBeGreaterThan(500);
    // Progress goes out at most every 50 ms; the first step (0) and the step reaching the total always do.
    expect(increasingProblem(progress.values(), { min: 2 })).toBeUndefined();
    expect(progress.values()[0]).toMatchObject({ progress: 0, total: reference.resourceCount });
    expect(progress.values().at(-1)).toMatchObject({ progress: reference.resourceCount, total: reference.resourceCount });
    // The patient-level export counts patients.
    const patients = recordProgress();
    await connection.client.callTool({ name: "fhir_bulk_export", arguments: { level: "patient", types: ["Patient", "Condition"] } }, { onprogress: patients.onprogress, timeout: 60_000 });
    expect(increasingProblem(patients.values(), { min: 2 })).toBeUndefined();
    expect(patients.values()[0]).toMatchObject({ progress: 0, total: 60 });
    expect(patients.values().at(-1)).toMatchObject({ progress: 60, total: 60 });
  }, 90_000);

  for (const era of ["modern", "legacy"] as const) {
    it(`${era}: starts an export on A, polls it and reads the result and its files on B`, async () => {
      const connection = await connect(a.url, era);
      const outcome = await connection.tasks.callTool("fhir_bulk_export", { level: "system", types: ["Patient", "Condition", "Observation"] });
      expect(outcome.kind).toBe("task");
      if (outcome.kind !== "task") return;
      connection.retarget(b.url);
      const manifest = (await connection.tasks.result(outcome.task.taskId, { maxPollIntervalMs: 50 })).structuredContent as unknown as Manifest;
      expect(manifest.phiMode).toBe("limited");
      expect(manifest.output.map((file) => file.type).sort()).toEqual(expect.arrayContaining(["Condition", "Observation", "Patient"]));
      const lines = await readLines(connection.client, manifest);
      expect(lines.length).toBe(manifest.resourceCount);
      expect(lines.filter((line) => line.resourceType === "Patient")).toHaveLength(60);
      expect(JSON.stringify(lines)).not.toMatch(/MRN\d{7}|999-\d{2}-\d{4}/);
    }, 60_000);
  }

  it("cancels an export midway (from B): no export files are left", async () => {
    const onA = await connect(a.url, "modern");
    const onB = await connect(b.url, "modern");
    // The export advances one FHIR request at a time until it has written part of its files, then waits.
    fhir.hold();
    const outcome = await onA.tasks.callTool("fhir_bulk_export", { level: "system" });
    if (outcome.kind !== "task") throw new Error("expected a task");
    await stepUntilFiles(outcome.task.taskId);
    expect((await onB.tasks.get(outcome.task.taskId)).status).toBe("working");
    await onB.tasks.cancel(outcome.task.taskId);
    fhir.release();
    const end = await onB.tasks.result(outcome.task.taskId, { maxPollIntervalMs: 50 }).catch((error: unknown) => (error as TaskEndedError).task);
    expect(end).toMatchObject({ status: "cancelled" });
    expect(await filesOf(outcome.task.taskId)).toEqual([]);
  }, 60_000);

  it("SIGKILL of the worker mid-export: B takes it over after the lease and publishes the export once; a restarted A reads it", async () => {
    const onA = await connect(a.url, "modern");
    const onB = await connect(b.url, "legacy");
    fhir.hold();
    const outcome = await onA.tasks.callTool("fhir_bulk_export", { level: "system" });
    if (outcome.kind !== "task") throw new Error("expected a task");
    await stepUntilFiles(outcome.task.taskId);
    await waitForTask(onB.tasks, outcome.task.taskId, midway);
    expect(await a.kill("SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });
    fhir.release();

    const statuses: DetailedTask[] = [];
    const manifest = (await onB.tasks.result(outcome.task.taskId, { maxPollIntervalMs: 50, timeoutMs: 60_000, onStatus: (task) => statuses.push(task) }))
      .structuredContent as unknown as Manifest;
    expect(statuses.some((task) => /Resumed after the previous worker stopped \(attempt 2\)/.test(task.statusMessage ?? ""))).toBe(true);
    // Exactly what an uninterrupted export produces: every resource once, in files the manifest lists and no others.
    expect(manifest.resourceCount).toBe(reference.resourceCount);
    const lines = await readLines(onB.client, manifest);
    expect(new Set(lines.map((line) => `${line.resourceType}/${line.id}`)).size).toBe(reference.resourceCount);
    const exportId = exportIdFor(outcome.task.taskId);
    const listed = manifest.output.map((file) => file.url.replace("fhir-export://", "")).concat(exportId).sort();
    expect(await filesOf(outcome.task.taskId)).toEqual(listed);

    a = await start();
    const restarted = await connect(a.url, "modern");
    expect(await restarted.tasks.get(outcome.task.taskId)).toMatchObject({ status: "completed" });
    expect((await readLines(restarted.client, manifest)).length).toBe(reference.resourceCount);
  }, 120_000);

  it("figures: time to first progress and task-vs-sync overhead of a small export, across processes", async () => {
    const sync = await connect(b.url, "modern", false);
    const tasks = await connect(a.url, "modern");
    const small = { level: "patient", patientId: "patient-005", types: ["Patient", "Condition"] };
    const syncMs: number[] = [];
    const taskMs: number[] = [];
    const firstProgressMs: number[] = [];
    const firstTaskProgressMs: number[] = [];
    for (let round = 0; round < 5; round++) {
      const progress = recordProgress();
      await sync.client.callTool({ name: "fhir_bulk_export", arguments: { level: "system" } }, { onprogress: progress.onprogress });
      firstProgressMs.push(progress.firstAfterMs() ?? NaN);
      let t0 = performance.now();
      await sync.client.callTool({ name: "fhir_bulk_export", arguments: small });
      syncMs.push(performance.now() - t0);
      t0 = performance.now();
      tasks.retarget(a.url);
      const outcome = await tasks.tasks.callTool("fhir_bulk_export", small);
      if (outcome.kind !== "task") throw new Error("expected a task");
      tasks.retarget(b.url);
      await tasks.tasks.result(outcome.task.taskId, { maxPollIntervalMs: 20 });
      taskMs.push(performance.now() - t0);

      // Time until B shows progress that A's worker wrote, for a system export.
      tasks.retarget(a.url);
      t0 = performance.now();
      const big = await tasks.tasks.callTool("fhir_bulk_export", { level: "system" });
      if (big.kind !== "task") throw new Error("expected a task");
      tasks.retarget(b.url);
      await waitForTask(tasks.tasks, big.task.taskId, (task) => /^[1-9]\d*\/\d+ /.test(task.statusMessage ?? ""), { intervalMs: 5, orTerminal: true });
      firstTaskProgressMs.push(performance.now() - t0);
      await tasks.tasks.cancel(big.task.taskId);
    }
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
    process.stdout.write(
      `[figures] healthcare small export (1 patient), median of 5: sync ${median(syncMs).toFixed(1)} ms, task created on A + polled on B ${median(taskMs).toFixed(1)} ms; ` +
        `first progress notification of a system export (sync) ${median(firstProgressMs).toFixed(1)} ms; ` +
        `first progress visible on B for a system export task on A ${median(firstTaskProgressMs).toFixed(1)} ms\n`,
    );
    expect(firstProgressMs.every(Number.isFinite)).toBe(true);
  }, 120_000);
});
