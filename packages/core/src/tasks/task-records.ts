/**
 * Task records in the StateStore: create once (compare-and-set on an absent key), change
 * with compare-and-set, and render the SEP-2663 wire shapes from them. Every write goes
 * through here so any replica sharing the store sees the same task.
 */
import type { StateStore } from "../state/state-store.js";
import { updateRecord } from "../state/state-store.js";
import { TASK_INPUTS_NAMESPACE, TASKS_NAMESPACE, type DetailedTask, type StoredTask, type TaskInfo } from "./task-types.js";

/** Writes a new task; resolves only once a `tasks/get` on any replica would find it. */
export async function insertTask(state: StateStore, task: StoredTask, input: unknown): Promise<void> {
  // Arguments first: a record that can be read can always be run.
  await state.put(TASK_INPUTS_NAMESPACE, task.taskId, { input }, { expiresAt: task.createdAt + task.ttlMs });
  const written = await state.put(TASKS_NAMESPACE, task.taskId, task, { expectVersion: 0, expiresAt: task.createdAt + task.ttlMs });
  if (!written) throw new Error("task id collision");
}

/** Reads the arguments of a task. */
export async function readTaskInput(state: StateStore, taskId: string): Promise<{ input: unknown } | undefined> {
  return (await state.get<{ input: unknown }>(TASK_INPUTS_NAMESPACE, taskId))?.value;
}

/** Reads a task; expired tasks read as absent. */
export async function readTask(state: StateStore, taskId: string): Promise<StoredTask | undefined> {
  if (typeof taskId !== "string" || taskId.length === 0 || taskId.length > 200) return undefined;
  return (await state.get<StoredTask>(TASKS_NAMESPACE, taskId))?.value;
}

/**
 * Changes a task with compare-and-set, retrying when another replica wrote in between.
 * `change` returns the new record, or `undefined` to leave it; resolves the record as stored.
 */
export async function changeTask(
  state: StateStore,
  taskId: string,
  change: (current: StoredTask) => StoredTask | undefined,
): Promise<{ task: StoredTask | undefined; changed: boolean }> {
  let changed = false;
  const record = await updateRecord<StoredTask>(state, TASKS_NAMESPACE, taskId, (current) => {
    if (!current) return undefined;
    const next = change(current);
    if (next === undefined) return undefined;
    changed = true;
    return { ...next, updatedAt: Math.max(Date.now(), current.updatedAt) };
  });
  return { task: record?.value, changed };
}

/** The task fields of a record, as the wire carries them. */
export function taskInfo(task: StoredTask): TaskInfo {
  return {
    taskId: task.taskId,
    status: task.status,
    ...(task.statusMessage === undefined ? {} : { statusMessage: task.statusMessage }),
    createdAt: new Date(task.createdAt).toISOString(),
    lastUpdatedAt: new Date(task.updatedAt).toISOString(),
    ttlMs: task.ttlMs,
    pollIntervalMs: task.pollIntervalMs,
  };
}

/** The `DetailedTask` of a record: `inputRequests`, `result` or `error` inlined by status. */
export function detailedTask(task: StoredTask): DetailedTask {
  const info: DetailedTask = taskInfo(task);
  if (task.status === "input_required") info.inputRequests = { ...(task.inputRequests ?? {}) };
  if (task.status === "completed" && task.result) info.result = task.result;
  if (task.status === "failed") info.error = task.error ?? { code: -32603, message: "The task failed" };
  return info;
}

/** A status message for progress, e.g. `1200/5000 resources exported`. */
export function progressMessage(done: number, total: number | undefined, message: string | undefined): string {
  const count = total === undefined ? `${done}` : `${done}/${total}`;
  return message ? `${count} ${message}` : count;
}
