// bench/core "tasks" scenario: the same small tool called synchronously and as a task
// (io.modelcontextprotocol/tasks: tools/call -> CreateTaskResult, tasks/get polled until
// completed, result inlined), over real HTTP on 127.0.0.1 with core's serveHttp and the official
// client in the 2026-07-28 era; plus the time to the first progress report either way
// (notifications/progress on the call's stream, or the task's progress seen by polling).
//
// Task records live in a SQLite state file (what every reference server uses by default) in a
// temporary directory. Client and server share this process: CPU per operation covers both.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";

const MODERN = "2026-07-28";
const BENCH_ID = "io.github.mcp-verticals/bench-tasks";

function benchExtension(core) {
  const work = core.defineTool({
    name: "bench_work",
    description: "Does `steps` steps of `stepMs` each, reporting progress after each, then answers the sum of 1..steps.",
    input: z.object({
      steps: z.number().int().min(1).max(100).describe("How many steps"),
      stepMs: z.number().int().min(0).max(1000).describe("Pause per step in ms"),
    }),
    output: z.object({ sum: z.number().int().describe("1 + 2 + ... + steps") }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    task: "optional",
    render: ({ sum }) => `sum ${sum}`,
    handler: async ({ steps, stepMs }, context) => {
      let sum = 0;
      for (let step = 1; step <= steps; step++) {
        if (stepMs > 0) await new Promise((resolve) => setTimeout(resolve, stepMs));
        sum += step;
        await context.progress(step, steps, "steps");
      }
      return { sum };
    },
  });
  return core.defineExtension({
    id: BENCH_ID,
    title: "Bench tasks",
    description: "A small task-capable tool for the task overhead benchmark.",
    versions: ["1.0"],
    serverSettings: z.object({}),
    clientSettings: z.object({}),
    negotiate: () => ({}),
    tools: [work],
  });
}

async function connect(core, url, asTasks) {
  const client = new Client(
    { name: "bench-tasks", version: "0.0.0" },
    { versionNegotiation: { mode: { pin: MODERN } }, capabilities: { extensions: asTasks ? { [core.TASKS_EXTENSION_ID]: {} } : {} } },
  );
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

/** Runs the scenario; resolves the result object (printed by `printTasks`). */
export async function runTasks({ core, calls, rounds, stats }) {
  const { sorted, quantile, median } = stats;
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), "bench-tasks-"));
  const state = await core.sqliteStateStore({ file: join(dir, "state.sqlite") });
  const POLL_MS = 20;
  const runtime = core.createTaskRuntime({ state, pollIntervalMs: POLL_MS });
  const extension = benchExtension(core);
  const running = await core.serveHttp(
    () => {
      const server = new McpServer({ name: "bench-tasks", version: "0.1.0" });
      core.attachExtension(server, extension, { settings: {}, services: {}, state, tasks: runtime });
      return server;
    },
    { port: 0, identity: { name: BENCH_ID, title: "bench", version: "0.1.0", description: "Task overhead benchmark" } },
  );
  const syncClient = await connect(core, running.url, false);
  const taskClient = await connect(core, running.url, true);
  const tasks = core.createTaskClient(taskClient);
  const small = { steps: 1, stepMs: 0 };
  try {
    const syncOnce = async () => {
      const result = await syncClient.callTool({ name: "bench_work", arguments: small });
      if (result.structuredContent?.sum !== 1) throw new Error(`tasks: unexpected sync answer ${JSON.stringify(result)}`);
    };
    const taskOnce = async () => {
      const t0 = performance.now();
      const outcome = await tasks.callTool("bench_work", small);
      if (outcome.kind !== "task") throw new Error("tasks: the call was not answered with a task");
      const created = performance.now() - t0;
      let polls = 0;
      const result = await tasks.result(outcome.task.taskId, { maxPollIntervalMs: POLL_MS, onStatus: () => void (polls += 1) });
      if (result.structuredContent?.sum !== 1) throw new Error(`tasks: unexpected task result ${JSON.stringify(result)}`);
      return { created, polls };
    };
    // Warm-up.
    for (let i = 0; i < 20; i++) {
      await syncOnce();
      await taskOnce();
    }
    const per = { sync: { lat: [], cpu: [] }, task: { lat: [], cpu: [], created: [], polls: [] } };
    for (let round = 0; round < rounds; round++) {
      for (const mode of round % 2 === 0 ? ["sync", "task"] : ["task", "sync"]) {
        const cpu0 = process.cpuUsage();
        for (let i = 0; i < calls; i++) {
          const t0 = performance.now();
          if (mode === "sync") await syncOnce();
          else {
            const { created, polls } = await taskOnce();
            per.task.created.push(created);
            per.task.polls.push(polls);
          }
          per[mode].lat.push(performance.now() - t0);
        }
        const cpu = process.cpuUsage(cpu0);
        per[mode].cpu.push((cpu.user + cpu.system) / calls);
      }
    }

    // Time to the first progress report: 5 steps of 25 ms, so the first report is due at ~25 ms.
    const progressArgs = { steps: 5, stepMs: 25 };
    const firstProgress = { sync: [], task: [] };
    for (let i = 0; i < Math.max(5, Math.round(calls / 10)); i++) {
      let t0 = performance.now();
      let first;
      await syncClient.callTool({ name: "bench_work", arguments: progressArgs }, { onprogress: () => void (first ??= performance.now() - t0) });
      firstProgress.sync.push(first ?? NaN);
      t0 = performance.now();
      first = undefined;
      const outcome = await tasks.callTool("bench_work", progressArgs);
      await tasks.result(outcome.task.taskId, { maxPollIntervalMs: POLL_MS, onStatus: (task) => void (/^\d+\/\d+ steps/.test(task.statusMessage ?? "") && (first ??= performance.now() - t0)) });
      firstProgress.task.push(first ?? NaN);
    }

    const summarize = (xs) => {
      const s = sorted(xs);
      return { p50ms: quantile(s, 0.5), p90ms: quantile(s, 0.9), p99ms: quantile(s, 0.99) };
    };
    const sync = { ...summarize(per.sync.lat), cpuUsPerCall: median(per.sync.cpu) };
    const task = {
      ...summarize(per.task.lat),
      cpuUsPerCall: median(per.task.cpu),
      createdP50ms: quantile(sorted(per.task.created), 0.5),
      pollsMedian: median(per.task.polls),
    };
    return {
      key: "tasks",
      title: "task overhead: the same small tool called synchronously vs as a task (2026-07-28, HTTP, SQLite task store)",
      calls,
      rounds,
      pollIntervalMs: POLL_MS,
      seconds: (performance.now() - started) / 1000,
      sync,
      task,
      firstProgress: { syncP50ms: median(firstProgress.sync), taskP50ms: median(firstProgress.task), runs: firstProgress.sync.length, firstStepDueMs: progressArgs.stepMs },
      ratio: {
        latencyTaskOverSync: task.p50ms / sync.p50ms,
        createOverSync: task.createdP50ms / sync.p50ms,
        cpuTaskOverSync: task.cpuUsPerCall / sync.cpuUsPerCall,
      },
    };
  } finally {
    await syncClient.close();
    await taskClient.close();
    await runtime.idle();
    await runtime.close();
    await running.close();
    await state.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Prints the scenario. */
export function printTasks(t, { f, pad, lpad }) {
  console.log(`\n${t.title}  (${t.calls} calls x ${t.rounds} rounds per mode, poll interval ${t.pollIntervalMs} ms, ${f(t.seconds, 1)} s)`);
  console.log(`  ${pad("mode", 34)}${lpad("p50 ms", 9)}${lpad("p90 ms", 9)}${lpad("p99 ms", 9)}${lpad("cpu us/op", 11)}`);
  const row = (label, x) => console.log(`  ${pad(label, 34)}${lpad(f(x.p50ms, 2), 9)}${lpad(f(x.p90ms, 2), 9)}${lpad(f(x.p99ms, 2), 9)}${lpad(f(x.cpuUsPerCall, 0), 11)}`);
  row("synchronous tools/call", t.sync);
  row("task: create, poll, result", t.task);
  console.log(`  ${pad("", 34)}task created (CreateTaskResult) p50 ${f(t.task.createdP50ms, 2)} ms; ${f(t.task.pollsMedian, 0)} tasks/get per task (median)`);
  console.log(
    `  ratio task/sync: latency x${f(t.ratio.latencyTaskOverSync, 2)}, cpu x${f(t.ratio.cpuTaskOverSync, 2)}; creating the task alone x${f(t.ratio.createOverSync, 2)} of a sync call`,
  );
  console.log(
    `  time to first progress (first step due at ${t.firstProgress.firstStepDueMs} ms, ${t.firstProgress.runs} runs): sync notifications/progress p50 ${f(t.firstProgress.syncP50ms, 1)} ms, task progress seen by polling p50 ${f(t.firstProgress.taskP50ms, 1)} ms`,
  );
}
