/**
 * A client for the Tasks extension (`io.modelcontextprotocol/tasks`): call a tool that may
 * answer with a task, poll it (honouring `pollIntervalMs`), answer its input requests,
 * cancel it and read its result, in both protocol eras.
 *
 * SDK 2.4.0's client refuses `resultType: "task"` on `tools/call` (it knows only
 * `complete` and `input_required`), so the helper relabels task results as they arrive on
 * the transport and recognizes them by their task fields.
 */
import type { CallToolResult, Client } from "@modelcontextprotocol/client";
import { z } from "zod";
import { TASKS_EXTENSION_ID, isTerminalTaskStatus, type DetailedTask, type TaskInfo } from "../tasks/task-types.js";

const CREATED_TASK_MARK = "io.github.mcp-verticals/created-task";
const AnyResult = z.object({}).passthrough();

/**
 * What a `tools/call` answered: the result itself, or a task to poll.
 * @example
 * ```ts
 * const outcome = await tasks.callTool("fhir_bulk_export", { level: "system" });
 * if (outcome.kind === "task") console.log(outcome.task.taskId);
 * ```
 * @category Client
 */
export type ToolCallOutcome = { kind: "complete"; result: CallToolResult } | { kind: "task"; task: TaskInfo };

/**
 * Raised when a task ends `failed` (a JSON-RPC error) or `cancelled`.
 * @example
 * ```ts
 * try { await tasks.result(taskId); } catch (error) { if (error instanceof TaskEndedError) console.log(error.task.status); }
 * ```
 * @category Client
 */
export class TaskEndedError extends Error {
  override readonly name = "TaskEndedError";
  constructor(readonly task: DetailedTask) {
    super(task.status === "failed" ? `Task ${task.taskId} failed: ${task.error?.message ?? "unknown error"}` : `Task ${task.taskId} was ${task.status}`);
  }
}

/**
 * Options for {@link TaskClient.result}.
 * @example
 * ```ts
 * await tasks.result(id, { onStatus: (task) => console.log(task.statusMessage), onInput: async (requests) => ({ confirm: { action: "accept", content: { confirm: true } } }) });
 * ```
 * @category Client
 */
export interface WaitOptions {
  /** Called with every polled state. */
  onStatus?: (task: DetailedTask) => void;
  /** Answers the task's input requests (each key once); without it a task waiting for input keeps waiting. */
  onInput?: (inputRequests: Record<string, unknown>, task: DetailedTask) => Promise<Record<string, unknown>>;
  /** Stops waiting (the task keeps running; cancel it explicitly). */
  signal?: AbortSignal;
  /** Gives up after this many ms (default 10 minutes). */
  timeoutMs?: number;
  /** Poll at least this often (ms), whatever the server suggests. */
  maxPollIntervalMs?: number;
}

/**
 * The task operations of a connected client.
 * @example
 * ```ts
 * const tasks = createTaskClient(client);
 * const result = await tasks.run("finance_reconcile_month", { accountId, month: "2026-11" });
 * ```
 * @category Client
 */
export interface TaskClient {
  /** Calls a tool; the server decides whether it answers now or with a task. */
  callTool(name: string, args?: Record<string, unknown>): Promise<ToolCallOutcome>;
  /** `tasks/get`. */
  get(taskId: string): Promise<DetailedTask>;
  /** `tasks/update` with answers to the task's input requests. */
  update(taskId: string, inputResponses: Record<string, unknown>): Promise<void>;
  /** `tasks/cancel` (cooperative: the task may still complete). */
  cancel(taskId: string): Promise<void>;
  /** Polls until the task is terminal (a poll lost to the transport is retried up to three times); resolves the `CallToolResult` of a completed task. */
  result(taskId: string, options?: WaitOptions): Promise<CallToolResult>;
  /** `callTool`, then `result` when the server answered with a task. */
  run(name: string, args?: Record<string, unknown>, options?: WaitOptions): Promise<CallToolResult>;
}

function asTaskInfo(result: Record<string, unknown>): TaskInfo | undefined {
  const meta = result._meta as Record<string, unknown> | undefined;
  const looksLikeTask = typeof result.taskId === "string" && typeof result.status === "string" && typeof result.createdAt === "string";
  if (!looksLikeTask && meta?.[CREATED_TASK_MARK] !== true) return undefined;
  const { content: _content, _meta: _ignored, resultType: _type, ...task } = result;
  return task as unknown as TaskInfo;
}

const relabelled = new WeakSet<object>();
/** Consecutive polls lost to the transport before {@link TaskClient.result} gives up. */
const MAX_DROPPED_POLLS = 3;

/** Lets task results through SDK 2.4.0's result-type check (once per transport). */
function relabelTaskResults(client: Client): void {
  const transport = client.transport as unknown as { onmessage?: (message: unknown, extra?: unknown) => void } | undefined;
  if (!transport || relabelled.has(transport) || !transport.onmessage) return;
  const inner = transport.onmessage;
  transport.onmessage = (message, extra) => {
    const result = (message as { result?: Record<string, unknown> }).result;
    if (result && result.resultType === "task") {
      const meta = (result._meta as Record<string, unknown> | undefined) ?? {};
      message = { ...(message as object), result: { content: [], ...result, resultType: "complete", _meta: { ...meta, [CREATED_TASK_MARK]: true } } };
    }
    inner.call(transport, message, extra);
  };
  relabelled.add(transport);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/**
 * Wraps a connected SDK client whose capabilities declare `io.modelcontextprotocol/tasks`.
 * @example
 * ```ts
 * const client = new Client(info, { capabilities: { extensions: { [TASKS_EXTENSION_ID]: {} } }, versionNegotiation: { mode: "auto" } });
 * await client.connect(transport);
 * const tasks = createTaskClient(client);
 * ```
 * @category Client
 */
export function createTaskClient(client: Client): TaskClient {
  const get = async (taskId: string) => {
    const answer = (await client.request({ method: "tasks/get", params: { taskId } }, AnyResult)) as Record<string, unknown>;
    const { _meta: _ignored, resultType: _type, ...task } = answer;
    return task as unknown as DetailedTask;
  };
  const result = async (taskId: string, options: WaitOptions = {}): Promise<CallToolResult> => {
    const deadline = Date.now() + (options.timeoutMs ?? 600_000);
    const answered = new Set<string>();
    let dropped = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      let task: DetailedTask;
      try {
        task = await get(taskId);
        dropped = 0;
      } catch (error) {
        // tasks/get is a read: a connection a busy replica dropped (fetch throws TypeError) is retried, a JSON-RPC error is not.
        if (!(error instanceof TypeError) || ++dropped > MAX_DROPPED_POLLS || Date.now() > deadline) throw error;
        await sleep(Math.min(options.maxPollIntervalMs ?? 500, 500) * dropped, options.signal);
        continue;
      }
      options.onStatus?.(task);
      if (isTerminalTaskStatus(task.status)) {
        if (task.status === "completed" && task.result) return task.result;
        throw new TaskEndedError(task);
      }
      if (task.status === "input_required" && options.onInput && task.inputRequests) {
        // Keys are unique over a task's life: answer each once, however often it is polled.
        const fresh = Object.fromEntries(Object.entries(task.inputRequests).filter(([key]) => !answered.has(key)));
        if (Object.keys(fresh).length > 0) {
          const responses = await options.onInput(fresh, task);
          for (const key of Object.keys(responses)) answered.add(key);
          await client.request({ method: "tasks/update", params: { taskId, inputResponses: responses } }, AnyResult);
          continue;
        }
      }
      if (Date.now() > deadline) throw new Error(`Task ${taskId} did not finish in time`);
      const interval = Math.max(20, Math.min(task.pollIntervalMs ?? 500, options.maxPollIntervalMs ?? Infinity));
      await sleep(interval, options.signal);
    }
  };
  const callTool = async (name: string, args: Record<string, unknown> = {}): Promise<ToolCallOutcome> => {
    relabelTaskResults(client);
    const answer = (await client.request({ method: "tools/call", params: { name, arguments: args } }, AnyResult)) as Record<string, unknown>;
    const task = asTaskInfo(answer);
    return task ? { kind: "task", task } : { kind: "complete", result: answer as unknown as CallToolResult };
  };
  return {
    callTool,
    get,
    update: async (taskId, inputResponses) => {
      await client.request({ method: "tasks/update", params: { taskId, inputResponses } }, AnyResult);
    },
    cancel: async (taskId) => {
      await client.request({ method: "tasks/cancel", params: { taskId } }, AnyResult);
    },
    result,
    run: async (name, args, options) => {
      const outcome = await callTool(name, args);
      return outcome.kind === "complete" ? outcome.result : result(outcome.task.taskId, options);
    },
  };
}
