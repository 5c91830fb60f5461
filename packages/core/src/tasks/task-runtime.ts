/**
 * The per-process task runtime: creates tasks in the shared StateStore, runs them on this
 * process under a lease, answers `tasks/get`/`tasks/update`/`tasks/cancel` for tasks any
 * replica created, and recovers tasks whose worker died (after its lease expired: resumed
 * when the tool allows a restart, otherwise failed with a clear error; never run by two
 * workers at once, never lost).
 */
import { randomUUID } from "node:crypto";
import type { StateStore } from "../state/state-store.js";
import { memoryStateStore } from "../state/memory-store.js";
import { changeTask, detailedTask, insertTask, readTask, readTaskInput } from "./task-records.js";
import { TASKS_NAMESPACE, isTerminalTaskStatus, type DetailedTask, type StoredTask, type TaskResumePolicy } from "./task-types.js";
import { startWorker, TaskCancelledError, TaskLeaseLostError, type TaskJob, type RunningTask } from "./task-worker.js";


/**
 * Options for {@link createTaskRuntime}.
 * @example
 * ```ts
 * const tasks = createTaskRuntime({ state, leaseMs: 5_000 });
 * ```
 * @category Tasks
 */
export interface TaskRuntimeOptions {
  /** Where task records live; share one store across replicas. Default: process memory. */
  state?: StateStore;
  /** How long a worker's claim on a task lasts without renewal (ms). Default 10 s, or `MCP_TASKS_LEASE_MS`. */
  leaseMs?: number;
  /** How long a task (and its result) is kept after creation (ms). Default 1 h. */
  ttlMs?: number;
  /** The polling interval suggested to clients (ms). Default 500. */
  pollIntervalMs?: number;
  /** How many workers may start one task before it is failed. Default 3. */
  maxAttempts?: number;
  /** Where unexpected job and store failures are reported. */
  onError?: (error: unknown) => void;
}

/**
 * A job the runtime can start or resume, registered per extension tool.
 * @example
 * ```ts
 * runtime.register({ extensionId, tool: "slow", resume: "fail", run: async (task, input, hooks) => ({ content: [] }) });
 * ```
 * @category Tasks
 */
export interface TaskExecutor {
  readonly extensionId: string;
  readonly tool: string;
  readonly resume: TaskResumePolicy;
  readonly run: TaskJob;
}

/**
 * The arguments of {@link TaskRuntime.create}.
 * @example
 * ```ts
 * await runtime.create({ extensionId, tool, input, owner: "u1", creator, settingsFingerprint: "{}" });
 * ```
 * @category Tasks
 */
export type NewTask = Pick<StoredTask, "extensionId" | "tool" | "owner" | "creator" | "settingsFingerprint"> & { input: unknown };

/**
 * The process-wide task runtime. One per StateStore is enough; {@link taskRuntimeFor} keeps it.
 * @example
 * ```ts
 * const runtime = taskRuntimeFor(state);
 * const task = await runtime.read(taskId, "u1");
 * ```
 * @category Tasks
 */
export interface TaskRuntime {
  readonly state: StateStore;
  /** This process's worker id (the lease holder name). */
  readonly workerId: string;
  readonly pollIntervalMs: number;
  /** Makes a tool's job startable and resumable here. */
  register(executor: TaskExecutor): void;
  /** Creates the task durably, starts it on this process and resolves the stored record. */
  create(task: NewTask, onChange?: (task: DetailedTask) => void): Promise<StoredTask>;
  /** The task if `owner` created it (recovering it first when its worker died), else `undefined`. */
  read(taskId: string, owner: string): Promise<StoredTask | undefined>;
  /** Delivers answers to outstanding input requests; unknown or answered keys are ignored. */
  update(taskId: string, owner: string, inputResponses: Record<string, unknown>): Promise<boolean>;
  /** Asks the task to stop; idempotent on terminal tasks. */
  cancel(taskId: string, owner: string): Promise<boolean>;
  /** Takes over every task whose worker's lease expired; resolves how many it handled. */
  recover(): Promise<number>;
  /** Resolves when every job this process runs has settled (tests, graceful shutdown). */
  idle(): Promise<void>;
  /** Stops the recovery sweep and aborts local jobs without writing an outcome (as if the process died). */
  close(): Promise<void>;
}

function envLease(): number | undefined {
  const raw = typeof process !== "undefined" ? process.env.MCP_TASKS_LEASE_MS : undefined;
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(value) && value >= 200 ? value : undefined;
}

/**
 * Creates a task runtime over a StateStore.
 * @example
 * ```ts
 * const tasks = createTaskRuntime({ state: await openStateStore({ url }), ttlMs: 24 * 3600_000 });
 * attachExtension(server, ext, { settings, services, state, tasks });
 * ```
 * @category Tasks
 */
export function createTaskRuntime(options: TaskRuntimeOptions = {}): TaskRuntime {
  const state = options.state ?? memoryStateStore();
  const leaseMs = options.leaseMs ?? envLease() ?? 10_000;
  const heartbeatMs = Math.max(50, Math.min(500, Math.floor(leaseMs / 4)));
  const ttlMs = options.ttlMs ?? 3_600_000;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const maxAttempts = options.maxAttempts ?? 3;
  const onError = options.onError ?? (() => undefined);
  const workerId = randomUUID();
  const executors = new Map<string, TaskExecutor>();
  const running = new Map<string, RunningTask>();
  const listeners = new Map<string, (task: DetailedTask) => void>();
  let sweep: ReturnType<typeof setInterval> | undefined;
  let closed = false;

  const keyOf = (extensionId: string, tool: string) => `${extensionId}\u0000${tool}`;

  const launch = (task: StoredTask, input: unknown, executor: TaskExecutor) => {
    const worker = startWorker(task, input, executor.run, {
      state,
      workerId,
      leaseMs,
      heartbeatMs,
      onError,
      onChange: (changed) => {
        try {
          listeners.get(changed.taskId)?.(detailedTask(changed));
        } catch (error) {
          onError(error);
        }
      },
    });
    running.set(task.taskId, worker);
    void worker.done.finally(() => {
      running.delete(task.taskId);
      listeners.delete(task.taskId);
    });
  };

  /** Takes over `task` if its worker's lease expired; resolves the task as it is afterwards. */
  const takeOver = async (task: StoredTask): Promise<StoredTask> => {
    if (closed || isTerminalTaskStatus(task.status) || (task.lease && task.lease.until > Date.now())) return task;
    const executor = executors.get(keyOf(task.extensionId, task.tool));
    if (!executor) return task; // a replica that serves the tool will pick it up
    const restart = executor.resume === "restart" && task.attempts < maxAttempts;
    const { task: after, changed } = await changeTask(state, task.taskId, (current) => {
      if (isTerminalTaskStatus(current.status) || (current.lease && current.lease.until > Date.now())) return undefined;
      if (current.cancelRequested) {
        const { lease: _lease, inputRequests: _requests, ...rest } = current;
        return { ...rest, status: "cancelled", statusMessage: "Cancelled at the client's request" };
      }
      if (!restart) {
        const { lease: _lease, inputRequests: _requests, ...rest } = current;
        return {
          ...rest,
          status: "failed",
          statusMessage: "The worker running this task stopped before it finished",
          error: {
            code: -32603,
            message: `The worker running this task stopped before it finished (attempt ${current.attempts}); nothing was applied. Call the tool again.`,
          },
        };
      }
      return { ...current, status: current.inputRequests && Object.keys(current.inputRequests).length > 0 ? "input_required" : "working", lease: { holder: workerId, until: Date.now() + leaseMs }, attempts: current.attempts + 1, statusMessage: `Resumed after the previous worker stopped (attempt ${current.attempts + 1})` };
    });
    if (after && changed && after.lease?.holder === workerId && !isTerminalTaskStatus(after.status)) {
      const stored = await readTaskInput(state, after.taskId);
      if (stored) launch(after, stored.input, executor);
      else {
        await changeTask(state, after.taskId, (current) =>
          current.lease?.holder === workerId && !isTerminalTaskStatus(current.status)
            ? { ...current, lease: undefined, status: "failed", statusMessage: "The task's arguments expired", error: { code: -32603, message: "The task's arguments are no longer stored; call the tool again" } }
            : undefined,
        );
      }
    }
    return after ?? task;
  };

  const recover = async (): Promise<number> => {
    let handled = 0;
    let after: string | undefined;
    for (;;) {
      const page = await state.list<StoredTask>(TASKS_NAMESPACE, { limit: 500, ...(after ? { after } : {}) });
      for (const record of page) {
        const task = record.value;
        if (!isTerminalTaskStatus(task.status) && (!task.lease || task.lease.until <= Date.now()) && executors.has(keyOf(task.extensionId, task.tool))) {
          await takeOver(task);
          handled++;
        }
      }
      if (page.length < 500) return handled;
      after = page.at(-1)!.key;
    }
  };

  const startSweep = () => {
    if (sweep || closed) return;
    sweep = setInterval(() => void recover().catch(onError), leaseMs);
    sweep.unref?.();
    void recover().catch(onError);
  };

  const owned = async (taskId: string, owner: string): Promise<StoredTask | undefined> => {
    const task = await readTask(state, taskId);
    // Someone else's task reads exactly like a missing one: ids are never confirmed to other callers.
    return task && task.owner === owner ? task : undefined;
  };

  return {
    state,
    workerId,
    pollIntervalMs,
    register: (executor) => {
      executors.set(keyOf(executor.extensionId, executor.tool), executor);
      startSweep();
    },
    create: async (fresh, onChange) => {
      const executor = executors.get(keyOf(fresh.extensionId, fresh.tool));
      if (!executor) throw new Error(`no task executor for ${fresh.tool}`);
      const now = Date.now();
      const { input, ...described } = fresh;
      const task: StoredTask = {
        ...described,
        taskId: randomUUID(),
        status: "working",
        statusMessage: "Started",
        createdAt: now,
        updatedAt: now,
        ttlMs,
        pollIntervalMs,
        attempts: 1,
        lease: { holder: workerId, until: now + leaseMs },
      };
      await insertTask(state, task, input);
      if (onChange) listeners.set(task.taskId, onChange);
      launch(task, input, executor);
      return task;
    },
    read: async (taskId, owner) => {
      const task = await owned(taskId, owner);
      return task ? takeOver(task) : undefined;
    },
    update: async (taskId, owner, inputResponses) => {
      const task = await owned(taskId, owner);
      if (!task) return false;
      await changeTask(state, taskId, (current) => {
        if (isTerminalTaskStatus(current.status)) return undefined;
        const outstanding = { ...(current.inputRequests ?? {}) };
        const answers = { ...(current.inputResponses ?? {}) };
        let accepted = 0;
        for (const [key, value] of Object.entries(inputResponses)) {
          if (!(key in outstanding)) continue; // never issued, already answered or superseded
          delete outstanding[key];
          answers[key] = value;
          accepted++;
        }
        if (accepted === 0) return undefined;
        const waiting = Object.keys(outstanding).length > 0;
        return {
          ...current,
          inputRequests: outstanding,
          inputResponses: answers,
          status: waiting ? "input_required" : "working",
          statusMessage: waiting ? "Waiting for input from the client" : "Input received; resuming",
        };
      });
      running.get(taskId)?.wake();
      return true;
    },
    cancel: async (taskId, owner) => {
      const task = await owned(taskId, owner);
      if (!task) return false;
      await changeTask(state, taskId, (current) => (isTerminalTaskStatus(current.status) || current.cancelRequested ? undefined : { ...current, cancelRequested: true }));
      // The fast path when this process runs it; other replicas see the flag on their next heartbeat.
      const local = running.get(taskId);
      if (local) {
        local.controller.abort(new TaskCancelledError());
      } else {
        const latest = await readTask(state, taskId);
        if (latest) await takeOver(latest);
      }
      return true;
    },
    recover,
    idle: async () => {
      while (running.size > 0) await Promise.all([...running.values()].map((worker) => worker.done));
    },
    close: async () => {
      closed = true;
      if (sweep) clearInterval(sweep);
      for (const worker of running.values()) worker.controller.abort(new TaskLeaseLostError());
      await Promise.all([...running.values()].map((worker) => worker.done));
    },
  };
}

const runtimes = new WeakMap<StateStore, TaskRuntime>();
let processDefault: TaskRuntime | undefined;

/**
 * The task runtime of a StateStore (created on first use), or of process memory without one.
 * @example
 * ```ts
 * const runtime = taskRuntimeFor(options.state);
 * ```
 * @category Tasks
 */
export function taskRuntimeFor(state: StateStore | undefined): TaskRuntime {
  if (!state) return (processDefault ??= createTaskRuntime());
  let runtime = runtimes.get(state);
  if (!runtime) {
    runtime = createTaskRuntime({ state });
    runtimes.set(state, runtime);
  }
  return runtime;
}
