/**
 * Runs one task on this process: holds a lease on the record (renewed while the job runs),
 * turns `tasks/cancel` (seen on any replica) into an aborted signal, writes progress as the
 * task's status message, parks the task in `input_required` while it waits for answers, and
 * writes the terminal state only while it still holds the lease, so a task is never
 * finished by two workers.
 */
import { ProtocolError, type CallToolResult } from "@modelcontextprotocol/server";
import type { StateStore } from "../state/state-store.js";
import { changeTask, progressMessage, readTask } from "./task-records.js";
import { isTerminalTaskStatus, type StoredTask, type TaskError, type TaskHandle, type TaskProgress } from "./task-types.js";

/**
 * What a running job gets from its worker.
 * @example
 * ```ts
 * const job: TaskJob = async (task, input, hooks) => { hooks.progress({ done: 1, total: 1 }); return { content: [] }; };
 * ```
 * @category Tasks
 */
export interface TaskJobHooks {
  readonly signal: AbortSignal;
  progress(progress: TaskProgress): void;
  readonly task: TaskHandle;
}

/**
 * A job: the tool call a task stands for, resolving its `CallToolResult`.
 * @example
 * ```ts
 * const job: TaskJob = async () => ({ content: [{ type: "text", text: "done" }] });
 * ```
 * @category Tasks
 */
export type TaskJob = (task: StoredTask, input: unknown, hooks: TaskJobHooks) => Promise<CallToolResult>;

/** Options of one worker run. */
export interface WorkerOptions {
  state: StateStore;
  workerId: string;
  leaseMs: number;
  /** How often the lease is renewed and cancellation looked for. */
  heartbeatMs: number;
  onError: (error: unknown) => void;
  /** Called after every status change this worker writes (for `notifications/tasks`). */
  onChange: (task: StoredTask) => void;
}

/** Thrown into a job's signal when `tasks/cancel` reached it. */
export class TaskCancelledError extends Error {
  override readonly name = "TaskCancelledError";
  constructor() {
    super("The task was cancelled");
  }
}

/** Thrown into a job's signal when another worker holds the task now. */
export class TaskLeaseLostError extends Error {
  override readonly name = "TaskLeaseLostError";
  constructor() {
    super("This worker no longer holds the task");
  }
}

/** A running task on this process: cancel it locally, or wake it when answers arrive. */
export interface RunningTask {
  readonly taskId: string;
  readonly controller: AbortController;
  wake(): void;
  readonly done: Promise<void>;
}

const PROGRESS_WRITE_MS = 200;
const INPUT_POLL_MS = 150;

/** Starts `job` for `task` (whose lease this worker already holds) and returns its handle. */
export function startWorker(task: StoredTask, input: unknown, job: TaskJob, options: WorkerOptions): RunningTask {
  const { state, workerId } = options;
  const controller = new AbortController();
  let wakeWaiter: (() => void) | undefined;
  let pending: TaskProgress | undefined;
  let lastWrite = 0;
  let writing: Promise<void> = Promise.resolve();

  const holds = (current: StoredTask) => current.lease?.holder === workerId && !isTerminalTaskStatus(current.status);

  /** Renews the lease, flushes progress and picks up cancellation; serialized per worker. */
  const heartbeat = (): Promise<void> => {
    writing = writing.then(async () => {
      const progress = pending;
      pending = undefined;
      lastWrite = Date.now();
      const { task: current } = await changeTask(state, task.taskId, (current) => {
        if (!holds(current)) return undefined;
        return {
          ...current,
          lease: { holder: workerId, until: Date.now() + options.leaseMs },
          ...(progress
            ? { progress, ...(current.status === "working" ? { statusMessage: progressMessage(progress.done, progress.total, progress.message) } : {}) }
            : {}),
        };
      });
      if (!current) controller.abort(new TaskLeaseLostError());
      else if (current.cancelRequested) controller.abort(new TaskCancelledError());
      else if (current.lease?.holder !== workerId && !isTerminalTaskStatus(current.status)) controller.abort(new TaskLeaseLostError());
    }).catch((error: unknown) => options.onError(error));
    return writing;
  };
  const timer = setInterval(() => void heartbeat(), options.heartbeatMs);
  timer.unref?.();

  const checkpoint = async (): Promise<void> => {
    await heartbeat();
    controller.signal.throwIfAborted();
  };

  const requestInput = async (requests: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const keys = Object.keys(requests);
    const answered = (current: StoredTask | undefined) => keys.every((key) => current?.inputResponses && key in current.inputResponses);
    const pick = (current: StoredTask) => Object.fromEntries(keys.map((key) => [key, current.inputResponses![key]]));
    controller.signal.throwIfAborted();
    let current = await readTask(state, task.taskId);
    if (current && answered(current)) return pick(current);
    await (writing = writing.then(async () => {
      const { task: parked } = await changeTask(state, task.taskId, (latest) => {
        if (!holds(latest)) return undefined;
        const missing = keys.filter((key) => !(latest.inputResponses && key in latest.inputResponses));
        if (missing.length === 0) return undefined;
        return {
          ...latest,
          status: "input_required",
          statusMessage: "Waiting for input from the client",
          inputRequests: { ...(latest.inputRequests ?? {}), ...Object.fromEntries(missing.map((key) => [key, requests[key]])) },
        };
      });
      if (parked) options.onChange(parked);
    }));
    const wakeOnAbort = () => wakeWaiter?.();
    controller.signal.addEventListener("abort", wakeOnAbort, { once: true });
    try {
      for (;;) {
        controller.signal.throwIfAborted();
        current = await readTask(state, task.taskId);
        if (!current) throw new TaskLeaseLostError();
        if (current.cancelRequested) controller.abort(new TaskCancelledError());
        if (answered(current)) return pick(current);
        // Woken early by tasks/update on this process; otherwise polls the store (another replica's update).
        await new Promise<void>((resolve) => {
          const timeout = setTimeout(resolve, INPUT_POLL_MS);
          wakeWaiter = () => {
            clearTimeout(timeout);
            resolve();
          };
        });
        wakeWaiter = undefined;
      }
    } finally {
      controller.signal.removeEventListener("abort", wakeOnAbort);
    }
  };

  const hooks: TaskJobHooks = {
    signal: controller.signal,
    progress: (progress) => {
      pending = progress;
      if (Date.now() - lastWrite >= PROGRESS_WRITE_MS) void heartbeat();
    },
    task: { id: task.taskId, attempt: task.attempts, requestInput, checkpoint },
  };

  const finish = async (outcome: Pick<StoredTask, "status" | "statusMessage" | "result" | "error">): Promise<void> => {
    await writing;
    const { task: written, changed } = await changeTask(state, task.taskId, (current) => {
      if (!holds(current)) return undefined;
      const { lease: _lease, inputRequests: _requests, ...rest } = current;
      return { ...rest, ...outcome, ...(pending ? { progress: pending } : {}) };
    });
    if (written && changed) options.onChange(written);
  };

  const done = (async () => {
    try {
      // Start on a later turn, so the request that created the task is answered first.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const result = await job(task, input, hooks);
      const message = result.isError ? "The tool reported an error" : "Completed";
      await finish({ status: "completed", statusMessage: message, result });
    } catch (error) {
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : undefined;
      if (reason instanceof TaskLeaseLostError) return; // another worker owns the outcome now
      if (reason instanceof TaskCancelledError) {
        await finish({ status: "cancelled", statusMessage: "Cancelled at the client's request" });
        return;
      }
      const taskError: TaskError =
        error instanceof ProtocolError
          ? { code: error.code, message: error.message, ...(error.data === undefined ? {} : { data: error.data }) }
          : { code: -32603, message: "The task failed unexpectedly; the server logged the cause" };
      if (!(error instanceof ProtocolError)) options.onError(error);
      await finish({ status: "failed", statusMessage: taskError.message, error: taskError });
    } finally {
      clearInterval(timer);
    }
  })().catch((error: unknown) => options.onError(error));

  return { taskId: task.taskId, controller, wake: () => wakeWaiter?.(), done };
}
