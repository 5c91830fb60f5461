import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobsServer, JOBS_ID, type JobsServices } from "../__fixtures__/jobs-extension.js";
import { createTaskClient, TaskEndedError } from "../client/task-client.js";
import { serveHttp, type RunningHttpServer } from "../server/serve-http.js";
import { memoryStateStore } from "../state/memory-store.js";
import { connectInProcess } from "../testing/connect.js";
import { increasingProblem } from "../testing/task-probes.js";
import { createTaskRuntime, type TaskRuntime } from "./task-runtime.js";
import { TASKS_EXTENSION_ID } from "./task-types.js";

const identity = { name: "com.example/jobs", title: "Jobs", version: "1.0.0", description: "jobs" };
const principals: Record<string, string> = { alice: "alice", bob: "bob" };

interface Replica {
  http: RunningHttpServer;
  runtime: TaskRuntime;
  services: JobsServices;
}

async function startReplica(state = memoryStateStore(), leaseMs = 600): Promise<Replica> {
  const services: JobsServices = { applied: new Map(), started: [] };
  const runtime = createTaskRuntime({ state, leaseMs, pollIntervalMs: 50 });
  const http = await serveHttp(() => createJobsServer(services, { tasks: runtime }), {
    port: 0,
    identity,
    auth: { verify: (token) => (principals[token] ? { token, clientId: "test", scopes: [], extra: { subject: principals[token] } } : undefined) },
  });
  return { http, runtime, services };
}

async function connect(url: string, options: { token?: string; tasks?: boolean; label?: string; elicitation?: boolean } = {}): Promise<Client> {
  const extensions: Record<string, Record<string, unknown>> = { [JOBS_ID]: options.label ? { label: options.label } : {} };
  if (options.tasks !== false) extensions[TASKS_EXTENSION_ID] = {};
  const client = new Client(
    { name: "t", version: "1" },
    { capabilities: { extensions: extensions as never, ...(options.elicitation ? { elicitation: { form: {} } } : {}) }, versionNegotiation: { mode: { pin: "2026-07-28" } } },
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${options.token ?? "alice"}` } } }),
  );
  return client;
}

describe("tasks over stateless HTTP (2026-07-28)", () => {
  let replica: Replica;
  beforeAll(async () => {
    replica = await startReplica();
  });
  afterAll(async () => {
    await replica.runtime.close();
    await replica.http.close();
  });

  it("advertises the extension and runs a task-capable tool as a task with progress", async () => {
    const client = await connect(replica.http.url);
    expect(client.getServerCapabilities()?.extensions?.[TASKS_EXTENSION_ID]).toEqual({});
    const tasks = createTaskClient(client);
    const outcome = await tasks.callTool("jobs_count", { n: 20, delayMs: 15, key: "a" });
    expect(outcome.kind).toBe("task");
    if (outcome.kind !== "task") return;
    expect(outcome.task.status).toBe("working");
    expect(outcome.task.ttlMs).toBeGreaterThan(0);
    expect(new Date(outcome.task.createdAt).toISOString()).toBe(outcome.task.createdAt);
    const seen: string[] = [];
    const result = await tasks.result(outcome.task.taskId, { onStatus: (task) => seen.push(task.statusMessage ?? "") });
    expect(result.structuredContent).toEqual({ counted: 20, attempt: 1, label: "none" });
    expect(seen.some((message) => /^\d+\/20 steps$/.test(message))).toBe(true);
    expect(replica.services.applied.get("a")).toBe(20);
    await client.close();
  });

  it("runs the same tool synchronously for a client without the extension, with strictly increasing progress", async () => {
    const client = await connect(replica.http.url, { tasks: false });
    const progress: { progress: number; total?: number }[] = [];
    const result = await client.callTool({ name: "jobs_count", arguments: { n: 10, delayMs: 60, key: "sync" } }, { onprogress: (p) => progress.push(p) });
    expect(result.structuredContent).toMatchObject({ counted: 10, attempt: 0 });
    // Progress goes out at most every 50 ms; the first step and the one reaching the total always do.
    expect(increasingProblem(progress, { min: 2 })).toBeUndefined();
    expect(progress[0]).toMatchObject({ progress: 1, total: 10 });
    expect(progress.at(-1)).toMatchObject({ progress: 10, total: 10 });
    await client.close();
  });

  it("answers -32021 for a required-task tool and for tasks/* without the extension", async () => {
    const client = await connect(replica.http.url, { tasks: false });
    await expect(client.callTool({ name: "jobs_forever", arguments: {} })).rejects.toMatchObject({ code: -32021 });
    const tasks = createTaskClient(client);
    await expect(tasks.get("whatever")).rejects.toMatchObject({ code: -32021 });
    await expect(tasks.cancel("whatever")).rejects.toMatchObject({ code: -32021 });
    await client.close();
  });

  it("cancels a task midway: nothing applied, status cancelled", async () => {
    const client = await connect(replica.http.url);
    const tasks = createTaskClient(client);
    const outcome = await tasks.callTool("jobs_count", { n: 500, delayMs: 10, key: "cancelled" });
    if (outcome.kind !== "task") throw new Error("expected a task");
    await new Promise((resolve) => setTimeout(resolve, 150));
    const started = Date.now();
    await tasks.cancel(outcome.task.taskId);
    const error = await tasks.result(outcome.task.taskId).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TaskEndedError);
    expect((error as TaskEndedError).task.status).toBe("cancelled");
    expect(Date.now() - started).toBeLessThan(1000);
    expect(replica.services.applied.has("cancelled")).toBe(false);
    await tasks.cancel(outcome.task.taskId); // idempotent on a terminal task
    await client.close();
  });

  it("shows a task only to the principal that created it", async () => {
    const alice = createTaskClient(await connect(replica.http.url));
    const bob = createTaskClient(await connect(replica.http.url, { token: "bob" }));
    const outcome = await alice.callTool("jobs_count", { n: 1, delayMs: 0, key: "private" });
    if (outcome.kind !== "task") throw new Error("expected a task");
    await expect(bob.get(outcome.task.taskId)).rejects.toMatchObject({ code: -32602 });
    await expect(bob.cancel(outcome.task.taskId)).rejects.toMatchObject({ code: -32602 });
    await expect(alice.result(outcome.task.taskId)).resolves.toMatchObject({ structuredContent: { counted: 1 } });
  });

  it("withholds a result from a reader whose negotiated settings differ from the creator's", async () => {
    const creator = createTaskClient(await connect(replica.http.url, { label: "ward-7" }));
    const outcome = await creator.callTool("jobs_count", { n: 1, delayMs: 0, key: "labelled" });
    if (outcome.kind !== "task") throw new Error("expected a task");
    const result = await creator.result(outcome.task.taskId);
    expect(result.structuredContent).toMatchObject({ label: "ward-7" });
    const other = createTaskClient(await connect(replica.http.url, { label: "ward-9" }));
    const seen = await other.get(outcome.task.taskId);
    expect(seen.status).toBe("completed");
    expect(seen.result?.isError).toBe(true);
    expect(JSON.stringify(seen.result)).not.toContain("ward-7");
  });

  it("applies the output limit of the synchronous call to a task result", async () => {
    const tasks = createTaskClient(await connect(replica.http.url));
    const result = await tasks.run("jobs_big", {});
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result)).toContain("OUTPUT_TOO_LARGE");
  });

  it("waits in input_required for the human's answer and resumes", async () => {
    const tasks = createTaskClient(await connect(replica.http.url, { elicitation: true }));
    const outcome = await tasks.callTool("jobs_confirm", { what: "archive" });
    if (outcome.kind !== "task") throw new Error("expected a task");
    const asked: string[] = [];
    const result = await tasks.result(outcome.task.taskId, {
      onInput: async (requests) => {
        asked.push(...Object.keys(requests));
        expect(JSON.stringify(requests)).toContain("Really archive?");
        return { confirm: { action: "accept", content: { confirm: true } } };
      },
    });
    expect(asked).toEqual(["confirm"]);
    expect(result.structuredContent).toEqual({ confirmed: true });
  });
});

describe("tasks across replicas sharing one store", () => {
  it("answers tasks/get on another replica, and resumes a restartable task after its worker died", async () => {
    const state = memoryStateStore();
    const a = await startReplica(state, 400);
    const b = await startReplica(state, 400);
    try {
      const onA = createTaskClient(await connect(a.http.url));
      const onB = createTaskClient(await connect(b.http.url));
      const outcome = await onA.callTool("jobs_count", { n: 60, delayMs: 20, key: "resumed" });
      if (outcome.kind !== "task") throw new Error("expected a task");
      expect((await onB.get(outcome.task.taskId)).status).toBe("working");
      await new Promise((resolve) => setTimeout(resolve, 200));
      await a.runtime.close(); // the worker stops without writing anything, as if killed
      const result = await onB.result(outcome.task.taskId);
      expect(result.structuredContent).toMatchObject({ counted: 60, attempt: 2 });
      expect(a.services.applied.has("resumed")).toBe(false);
      expect(b.services.applied.get("resumed")).toBe(60);

      const doomed = await onB.callTool("jobs_forever", {});
      if (doomed.kind !== "task") throw new Error("expected a task");
      await new Promise((resolve) => setTimeout(resolve, 100));
      await b.runtime.close();
      const c = await startReplica(state, 400);
      try {
        const onC = createTaskClient(await connect(c.http.url));
        await new Promise((resolve) => setTimeout(resolve, 500));
        const failed = await onC.result(doomed.task.taskId).catch((caught: unknown) => caught);
        expect(failed).toBeInstanceOf(TaskEndedError);
        expect((failed as TaskEndedError).task).toMatchObject({ status: "failed", error: { code: -32603 } });
      } finally {
        await c.runtime.close();
        await c.http.close();
      }
    } finally {
      await a.http.close();
      await b.http.close();
    }
  }, 20_000);
});

describe("tasks in the 2025 era", () => {
  it("creates, polls and reads a task over a 2025 connection, with notifications/tasks", async () => {
    const services: JobsServices = { applied: new Map(), started: [] };
    const runtime = createTaskRuntime({ pollIntervalMs: 30 });
    const { client, close } = await connectInProcess(() => createJobsServer(services, { tasks: runtime }), {
      era: "legacy",
      extensions: { [TASKS_EXTENSION_ID]: {}, [JOBS_ID]: {} },
    });
    const notified: string[] = [];
    client.fallbackNotificationHandler = async (notification) => {
      if (notification.method === "notifications/tasks") notified.push((notification.params as { status: string }).status);
    };
    try {
      expect(client.getServerCapabilities()?.extensions?.[TASKS_EXTENSION_ID]).toEqual({});
      const tasks = createTaskClient(client);
      const outcome = await tasks.callTool("jobs_count", { n: 5, delayMs: 5, key: "legacy" });
      expect(outcome.kind).toBe("task");
      if (outcome.kind !== "task") return;
      const result = await tasks.result(outcome.task.taskId);
      expect(result.structuredContent).toMatchObject({ counted: 5 });
      await runtime.idle();
      expect(notified).toContain("completed");
    } finally {
      await close();
      await runtime.close();
    }
  });
});
