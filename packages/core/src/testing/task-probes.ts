import type { TaskClient } from "../client/task-client.js";
import type { DetailedTask } from "../tasks/task-types.js";

/**
 * Polls `tasks/get` until `until` holds for the task (or it is terminal, when `orTerminal`
 * is set), and resolves the task as last seen.
 *
 * @example
 * ```ts
 * // Midway: the job reported some progress and has not finished.
 * const seen = await waitForTask(tasks, taskId, (task) => /^\d+\/\d+/.test(task.statusMessage ?? ""));
 * ```
 * @category Testing
 */
export async function waitForTask(
  tasks: Pick<TaskClient, "get">,
  taskId: string,
  until: (task: DetailedTask) => boolean,
  options: { timeoutMs?: number; intervalMs?: number; orTerminal?: boolean } = {},
): Promise<DetailedTask> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const task = await tasks.get(taskId);
    if (until(task)) return task;
    const terminal = task.status === "completed" || task.status === "failed" || task.status === "cancelled";
    if (terminal && options.orTerminal) return task;
    if (terminal) {
      const detail = JSON.stringify(task.error ?? task.result?.structuredContent ?? task.result?.content ?? null).slice(0, 500);
      throw new Error(`task ${taskId} ended ${task.status} (${task.statusMessage ?? ""}) before the awaited state: ${detail}`);
    }
    if (Date.now() > deadline) throw new Error(`task ${taskId} did not reach the awaited state in time (last: ${task.status} ${task.statusMessage ?? ""})`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 10));
  }
}

/**
 * Records `notifications/progress` for one request: pass `onprogress` to `client.callTool`.
 *
 * @example
 * ```ts
 * const progress = recordProgress();
 * await client.callTool({ name, arguments: args }, { onprogress: progress.onprogress });
 * expect(increasingProblem(progress.values())).toBeUndefined();
 * ```
 * @category Testing
 */
export interface ProgressRecorder {
  /** The callback for the SDK's `RequestOptions.onprogress`. */
  onprogress(progress: { progress: number; total?: number; message?: string }): void;
  /** Every notification so far, in arrival order. */
  values(): Array<{ progress: number; total?: number; message?: string; at: number }>;
  /** Milliseconds from the recorder's creation to the first notification, if any arrived. */
  firstAfterMs(): number | undefined;
}

/**
 * Creates a {@link ProgressRecorder}; its clock starts now (create it right before the call).
 *
 * @example
 * ```ts
 * const progress = recordProgress();
 * await client.callTool({ name: "fhir_bulk_export", arguments: { level: "system" } }, { onprogress: progress.onprogress });
 * ```
 * @category Testing
 */
export function recordProgress(): ProgressRecorder {
  const started = performance.now();
  const seen: Array<{ progress: number; total?: number; message?: string; at: number }> = [];
  return {
    onprogress: (progress) => seen.push({ ...progress, at: performance.now() - started }),
    values: () => [...seen],
    firstAfterMs: () => seen[0]?.at,
  };
}

/**
 * Why a progress sequence is not strictly increasing (or never reaches its total), or
 * `undefined` when it is well-formed: at least `min` notifications (default 2), each `progress`
 * above the previous one, never above `total`, and the last one at its `total` when it carries one.
 * Progress is sent at most every 50 ms, except the first step and the step reaching the total,
 * so those two are what every run of a job stepping from 0 to its total sends: how many arrive in
 * between depends on speed and must not be asserted.
 *
 * @example
 * ```ts
 * expect(increasingProblem(progress.values(), { min: 2 })).toBeUndefined();
 * ```
 * @category Testing
 */
export function increasingProblem(values: ReadonlyArray<{ progress: number; total?: number }>, options: { min?: number } = {}): string | undefined {
  const min = options.min ?? 2;
  if (values.length < min) return `expected at least ${min} progress notifications, got ${values.length}`;
  for (let i = 0; i < values.length; i++) {
    const { progress, total } = values[i]!;
    if (total !== undefined && progress > total) return `notification ${i}: progress ${progress} exceeds total ${total}`;
    if (i > 0 && !(progress > values[i - 1]!.progress)) return `notification ${i}: progress ${progress} does not exceed ${values[i - 1]!.progress}`;
  }
  const last = values.at(-1);
  if (last !== undefined && last.total !== undefined && last.progress !== last.total) return `the last notification stops at ${last.progress} of ${last.total}`;
  return undefined;
}
