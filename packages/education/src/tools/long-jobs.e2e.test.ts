import { createTaskClient, createTaskRuntime, getApproval, TASKS_EXTENSION_ID, type TaskRuntime } from "@mcp-verticals/core";
import { connectInProcess, holdNextCall, increasingProblem, type HeldCall } from "@mcp-verticals/core/testing";
import { zipSync, strToU8 } from "fflate";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_WRITES, call, callError, operatorDecides, TEST_NOW, testRuntime } from "../__fixtures__/harness.js";
import { generateSchool } from "../backend/seed.js";
import { EDUCATION_EXTENSION_ID } from "../extension.js";
import { RESULTS_CSV_HEADER } from "../standards/gradebook-export.js";
import { readCsvTable } from "../standards/oneroster-csv-reader.js";
import { writeOneRosterCsv } from "../standards/oneroster-csv.js";

const ADMIN = { id: "adm-001", scopes: [], roles: ["admin"] };
const TEACHER = { id: "t-001", scopes: [], roles: ["teacher"] };
const WRITES = ALL_WRITES;
const NO_IMPORT = { writes: { mode: "confirm" as const, allow: ["post_score" as const, "import_framework" as const] } };

const dir = mkdtempSync(join(tmpdir(), "edu-long-jobs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A OneRoster 1.2 bulk export of a synthetic school, as the files a client sends. */
async function bulkExport(students: number, name: string): Promise<{ name: string; content: string }[]> {
  const folder = join(dir, "imports", name);
  await writeOneRosterCsv(folder, generateSchool({ students, gradebook: false }));
  // The export does not carry lineItems/results (no gradebook): the manifest says so.
  const manifest = readFileSync(join(folder, "manifest.csv"), "utf8").replace("file.lineItems,bulk", "file.lineItems,absent").replace("file.results,bulk", "file.results,absent");
  writeFileSync(join(folder, "manifest.csv"), manifest);
  rmSync(join(folder, "lineItems.csv"));
  rmSync(join(folder, "results.csv"));
  return readdirSync(folder).map((file) => ({ name: file, content: readFileSync(join(folder, file), "utf8") }));
}

describe("edu_import_roster and edu_export_results as long jobs", () => {
  let tasks: TaskRuntime;
  let runtime: ReturnType<typeof testRuntime>;
  let big: { name: string; content: string }[];

  beforeAll(async () => {
    tasks = createTaskRuntime({ pollIntervalMs: 20 });
    runtime = testRuntime({ settings: WRITES, tasks, importDir: join(dir, "imports") });
    // An administrator of the seeded school: only administrators import rosters.
    runtime.store.putRecords("users", [
      { sourcedId: ADMIN.id, status: "active", dateLastModified: "2026-08-01T00:00:00Z", enabledUser: true, givenName: "Ada", familyName: "Admin", roles: [{ roleType: "primary", role: "administrator", org: { sourcedId: "org-district", type: "org" } }] } as never,
    ]);
    big = await bulkExport(10_000, "district");
  }, 120_000);
  afterAll(async () => {
    await tasks.close();
    await runtime.close();
  });

  const connect = (options: { tasks?: boolean; era?: "legacy" | "modern" } = {}) =>
    connectInProcess(() => runtime.createServer(), { era: options.era ?? "modern", extensions: { [EDUCATION_EXTENSION_ID]: {}, ...(options.tasks ? { [TASKS_EXTENSION_ID]: {} } : {}) } });

  it("a dry run checks everything, reports counts per file and problems by file:line:column, and changes nothing", async () => {
    runtime.as(ADMIN);
    const users = runtime.store.count("users");
    const files = big.map((file) => (file.name === "users.csv" ? { ...file, content: file.content.replace(/\n(s-[^,\n]*),active,/, "\n$1,archived,") } : file));
    const { client, close } = await connect({ era: "legacy" });
    try {
      const out = await call(client, "edu_import_roster", { files, dryRun: true });
      expect(out.status).toBe("checked");
      expect(out.version).toBe("1.2");
      const usersFile = out.files.find((file: { file: string }) => file.file === "users.csv");
      expect(usersFile).toMatchObject({ kind: "users", invalid: 1 });
      expect(usersFile.rows).toBeGreaterThan(10_000);
      expect(usersFile.valid).toBe(usersFile.rows - 1);
      expect(out.problemTotal).toBe(1);
      expect(out.problems[0]).toMatchObject({ file: "users.csv", column: "status", message: "the value is not allowed here" });
      expect(out.problems[0].at).toMatch(/^users\.csv:\d+:status$/);
      expect(JSON.stringify(out.problems)).not.toContain("archived");
      expect(runtime.store.count("users")).toBe(users);
      // Applying a file set with invalid rows is refused before anyone is asked to approve it.
      expect(await callError(client, "edu_import_roster", { files, dryRun: false })).toMatchObject({ code: "CSV_ROWS_INVALID", field: out.problems[0].at });
      expect(runtime.store.count("users")).toBe(users);
    } finally {
      await close();
    }
  }, 120_000);

  it("reports strictly increasing progress (rows checked of the total) on a synchronous call", async () => {
    runtime.as(ADMIN);
    const { client, close } = await connect();
    try {
      const progress: { progress: number; total?: number }[] = [];
      const result = await client.callTool({ name: "edu_import_roster", arguments: { files: big, dryRun: true } }, { onprogress: (p) => progress.push(p), timeout: 120_000 });
      expect(result.isError).toBeFalsy();
      const total = (result.structuredContent as { files: { rows: number }[] }).files.reduce((sum, file) => sum + file.rows, 0);
      // Progress goes out at most every 50 ms; the first step (0 rows) and the last (every row) always do.
      expect(increasingProblem(progress, { min: 2 })).toBeUndefined();
      expect(progress.every((p) => p.total === total)).toBe(true);
      expect(progress[0]!.progress).toBe(0);
      expect(progress.at(-1)!.progress).toBe(total);
    } finally {
      await close();
    }
  }, 120_000);

  it("applies only after a human approved it, as a task, in one transaction", async () => {
    runtime.as(ADMIN);
    const small = await bulkExport(400, "school-400");
    const plain = await connect();
    const pending = await callError(plain.client, "edu_import_roster", { files: small, dryRun: false });
    expect(pending.code).toBe("APPROVAL_PENDING");
    await plain.close();
    expect(await operatorDecides(runtime.state, "approve", String(pending.data?.approvalId))).toBe(0);
    const { client, close } = await connect({ tasks: true });
    try {
      const taskClient = createTaskClient(client);
      const outcome = await taskClient.callTool("edu_import_roster", { files: small, dryRun: false });
      expect(outcome.kind).toBe("task");
      if (outcome.kind !== "task") return;
      const out = (await taskClient.result(outcome.task.taskId)).structuredContent as any;
      expect(out).toMatchObject({ status: "written", approvedThrough: "operator-command", problemTotal: 0 });
      expect(out.records.users).toBe(small.find((file) => file.name === "users.csv")!.content.trim().split("\n").length - 1);
      const enrollments = readCsvTable(small.find((file) => file.name === "enrollments.csv")!.content, "enrollments.csv").rows;
      const last = enrollments.at(-1)!;
      expect(await runtime.store.listEnrollments({ classSourcedId: last[3]!, userSourcedId: last[5]! })).toHaveLength(1);
    } finally {
      await close();
    }
  }, 120_000);

  it("cancelled midway, an approved import writes nothing and leaves its approval unspent", async () => {
    runtime.as(ADMIN);
    const users = runtime.store.count("users");
    const enrollments = runtime.store.count("enrollments");
    const plain = await connect();
    const pending = await callError(plain.client, "edu_import_roster", { files: big, dryRun: false });
    await plain.close();
    expect(pending.code).toBe("APPROVAL_PENDING");
    expect(await operatorDecides(runtime.state, "approve", String(pending.data?.approvalId))).toBe(0);
    const { client, close } = await connect({ tasks: true });
    let held: HeldCall | undefined;
    try {
      const taskClient = createTaskClient(client);
      // The job stops at its first step (resolving the caller) until the cancellation is recorded.
      held = holdNextCall(runtime.services.gateway, "actor");
      const outcome = await taskClient.callTool("edu_import_roster", { files: big, dryRun: false });
      if (outcome.kind !== "task") throw new Error("expected a task");
      await held.reached;
      await taskClient.cancel(outcome.task.taskId);
      const started = Date.now();
      held.restore();
      const end = await taskClient.result(outcome.task.taskId).catch((error: { task?: { status: string } }) => error.task);
      expect(end).toMatchObject({ status: "cancelled" });
      // It stops checking promptly instead of running the 10,000-student check to the end.
      expect(Date.now() - started).toBeLessThan(5000);
      expect(runtime.store.count("users")).toBe(users);
      expect(runtime.store.count("enrollments")).toBe(enrollments);
      // It stopped before spending the approval: the human's decision still stands for the next run.
      expect(await getApproval(runtime.state, String(pending.data?.approvalId), TEST_NOW)).toMatchObject({ status: "approved" });
    } finally {
      held?.restore();
      await close();
    }
  }, 120_000);

  it("reads a zip or a folder of the import directory, never a path outside it", async () => {
    runtime.as(ADMIN);
    const small = await bulkExport(50, "school-50");
    const zip = Buffer.from(zipSync(Object.fromEntries(small.map((file) => [`export/${file.name}`, strToU8(file.content)])))).toString("base64");
    const { client, close } = await connect();
    try {
      const fromFiles = await call(client, "edu_import_roster", { files: small });
      const fromZip = await call(client, "edu_import_roster", { zipBase64: zip });
      const fromFolder = await call(client, "edu_import_roster", { folder: "school-50" });
      expect(fromZip.files).toEqual(fromFiles.files);
      expect(fromFolder.files).toEqual(fromFiles.files);
      expect(await callError(client, "edu_import_roster", { zipBase64: Buffer.from("not a zip").toString("base64") })).toMatchObject({ code: "CSV_INVALID", field: "zipBase64" });
      for (const folder of ["..", "../imports/school-50", "/etc", "school-50/../school-50"]) {
        expect(await callError(client, "edu_import_roster", { folder }), folder).toMatchObject({ code: "CSV_INVALID", field: "folder" });
      }
      const outside = join(dir, "outside");
      mkdirSync(outside, { recursive: true });
      writeFileSync(join(outside, "manifest.csv"), "propertyName,value\noneroster.version,1.2\n");
      symlinkSync(outside, join(dir, "imports", "linked"));
      expect(await callError(client, "edu_import_roster", { folder: "linked" })).toMatchObject({ code: "CSV_INVALID", field: "folder" });
      expect(await callError(client, "edu_import_roster", { files: [{ name: "../users.csv", content: "x" }] })).toMatchObject({ code: "CSV_INVALID", field: "files.0.name" });
    } finally {
      await close();
    }
  }, 120_000);

  it("is gated: staff only, and only where the server allows import_roster", async () => {
    runtime.as({ id: "s-0001", scopes: [], roles: ["student"] });
    const { client, close } = await connect();
    try {
      expect(await callError(client, "edu_import_roster", { folder: "school-50" })).toMatchObject({ code: "FORBIDDEN" });
    } finally {
      runtime.as(TEACHER);
      await close();
    }
    const closed = testRuntime({ settings: NO_IMPORT });
    closed.store.putRecords("users", [runtime.store.getRecord("users", ADMIN.id)!]);
    closed.as(ADMIN);
    try {
      const other = await connectInProcess(() => closed.createServer(), { era: "modern", extensions: { [EDUCATION_EXTENSION_ID]: {} } });
      expect(await callError(other.client, "edu_import_roster", { files: [{ name: "manifest.csv", content: "propertyName,value\n" }] })).toMatchObject({ code: "WRITES_DISABLED" });
      await other.close();
    } finally {
      await closed.close();
    }
  });

  it("exports a class's results.csv as a task: OneRoster 1.2 columns, pseudonyms only, readable by its owner only", async () => {
    runtime.as(TEACHER);
    const { client, close } = await connect({ tasks: true });
    try {
      const taskClient = createTaskClient(client);
      const outcome = await taskClient.callTool("edu_export_results", { classSourcedId: "cls-alg1-a" });
      expect(outcome.kind).toBe("task");
      if (outcome.kind !== "task") return;
      const out = (await taskClient.result(outcome.task.taskId)).structuredContent as any;
      expect(out.uri).toMatch(/^edu-export:\/\/[a-f0-9]{32}\/results\.csv$/);
      const read = await client.readResource({ uri: out.uri });
      const text = (read.contents[0] as { text: string }).text;
      const table = readCsvTable(text, "results.csv");
      expect(table.header).toEqual(RESULTS_CSV_HEADER);
      expect(table.rows).toHaveLength(out.rows);
      expect(out.rows).toBeGreaterThan(0);
      // The same rows the synchronous read shows, learner by learner.
      const listed: any[] = [];
      let cursor: string | undefined;
      do {
        const page = await call(client, "edu_list_results", { classSourcedId: "cls-alg1-a", limit: 500, ...(cursor ? { cursor } : {}) });
        listed.push(...page.results);
        cursor = page.nextCursor;
      } while (cursor);
      expect(table.rows.map((row) => `${row[3]} ${row[4]} ${row[8]}`).sort()).toEqual(listed.map((r) => `${r.lineItemSourcedId} ${r.learner} ${r.score ?? ""}`).sort());
      expect(table.rows.every((row) => /^p-[a-z0-9]{24}$/.test(row[4]!) && /^res-[a-f0-9]{24}$/.test(row[0]!))).toBe(true);
      expect(text).not.toMatch(/\bs-\d{3,}\b/);
      // Another caller (a student of the class) cannot read it.
      runtime.as({ id: "s-0001", scopes: [], roles: ["student"] });
      await expect(client.readResource({ uri: out.uri })).rejects.toMatchObject({ code: -32602 });
    } finally {
      runtime.as(TEACHER);
      await close();
    }
  }, 120_000);

  it("export progress is strictly increasing over line items", async () => {
    runtime.as(TEACHER);
    const { client, close } = await connect();
    try {
      const progress: number[] = [];
      const result = await client.callTool({ name: "edu_export_results", arguments: { classSourcedId: "cls-alg1-a" } }, { onprogress: (p) => progress.push(p.progress), timeout: 60_000 });
      expect(result.isError).toBeFalsy();
      const lineItems = (result.structuredContent as { lineItems: number }).lineItems;
      expect(progress.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThan(progress[i - 1]!);
      expect(progress.at(-1)).toBe(lineItems);
    } finally {
      await close();
    }
  });
});
