/**
 * The Tasks extension (`io.modelcontextprotocol/tasks`, SEP-2663): identifiers, the wire
 * shapes it defines, and the record core keeps for each task in the shared StateStore.
 *
 * A task is a durable state machine for one `tools/call`: `working` → (`input_required` ⇄
 * `working`)* → `completed` | `failed` | `cancelled`. Creation is server-directed: core
 * creates one only for a tool marked task-capable and only for a request that declared
 * the extension.
 */
import type { CallToolResult, ClientCapabilities } from "@modelcontextprotocol/server";

/**
 * The extension identifier clients declare and servers advertise.
 * @example
 * ```ts
 * const client = new Client(info, { capabilities: { extensions: { [TASKS_EXTENSION_ID]: {} } } });
 * ```
 * @category Tasks
 */
export const TASKS_EXTENSION_ID = "io.modelcontextprotocol/tasks";

/**
 * Whether a tool runs as a task: `required` (only as a task; clients without the extension
 * get -32021), `optional` (as a task for clients that declared the extension, synchronously
 * for others) or `forbidden` (never; the default).
 * @example
 * ```ts
 * defineTool({ name: "fhir_bulk_export", task: "required", ... });
 * ```
 * @category Tasks
 */
export type TaskSupport = "required" | "optional" | "forbidden";

/**
 * What happens to a task whose worker stopped (crash, kill, lost lease) before it finished:
 * `restart` runs the job again from the stored arguments on another worker (for jobs that
 * apply their effects atomically, keyed by the task id); `fail` ends it as `failed`.
 * @example
 * ```ts
 * defineTool({ name: "finance_reconcile_month", task: "required", taskResume: "restart", ... });
 * ```
 * @category Tasks
 */
export type TaskResumePolicy = "restart" | "fail";

/**
 * The status of a task.
 * @example
 * ```ts
 * const done: TaskStatus[] = ["completed", "failed", "cancelled"];
 * ```
 * @category Tasks
 */
export type TaskStatus = "working" | "input_required" | "completed" | "cancelled" | "failed";

/**
 * Statuses a task never leaves.
 * @example
 * ```ts
 * if (TERMINAL_TASK_STATUSES.includes(task.status)) stopPolling();
 * ```
 * @category Tasks
 */
export const TERMINAL_TASK_STATUSES: readonly TaskStatus[] = Object.freeze(["completed", "failed", "cancelled"]);

/**
 * Whether a status is terminal.
 * @example
 * ```ts
 * isTerminalTaskStatus("working"); // false
 * ```
 * @category Tasks
 */
export function isTerminalTaskStatus(status: string): status is "completed" | "failed" | "cancelled" {
  return status === "completed" || status === "failed" || status === "cancelled";
}

/**
 * The task fields every task response carries (SEP-2663 `Task`).
 * @example
 * ```ts
 * const seed: TaskInfo = { taskId, status: "working", createdAt, lastUpdatedAt: createdAt, ttlMs: 3_600_000, pollIntervalMs: 500 };
 * ```
 * @category Tasks
 */
export interface TaskInfo {
  /** Unguessable identifier (122 random bits). */
  taskId: string;
  status: TaskStatus;
  /** Human-readable state, e.g. progress (`1200/5000 resources`) or why it failed. */
  statusMessage?: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601. */
  lastUpdatedAt: string;
  /** Lifetime from creation in ms; `null` for unlimited. */
  ttlMs: number | null;
  /** How often a client should poll, in ms. */
  pollIntervalMs?: number;
}

/**
 * A JSON-RPC error a failed task carries.
 * @example
 * ```ts
 * const error: TaskError = { code: -32603, message: "worker stopped" };
 * ```
 * @category Tasks
 */
export interface TaskError {
  code: number;
  message: string;
  data?: unknown;
}

/**
 * What `tasks/get` answers and `notifications/tasks` carries: the task plus the payload of
 * its status (`inputRequests`, `result` or `error`).
 * @example
 * ```ts
 * if (task.status === "completed") console.log(task.result?.structuredContent);
 * ```
 * @category Tasks
 */
export interface DetailedTask extends TaskInfo {
  /** Outstanding requests to the client (`input_required` only), keyed by server-chosen ids. */
  inputRequests?: Record<string, unknown>;
  /** The `CallToolResult` of a completed task (also when it has `isError: true`). */
  result?: CallToolResult;
  /** The JSON-RPC error of a failed task. */
  error?: TaskError;
}

/**
 * Progress a job last reported.
 * @example
 * ```ts
 * const progress: TaskProgress = { done: 1200, total: 5000, message: "resources exported" };
 * ```
 * @category Tasks
 */
export interface TaskProgress {
  done: number;
  total?: number;
  message?: string;
}

/**
 * Who created a task and with what negotiation: everything a worker on any replica needs
 * to run (or resume) the call exactly as the creating request would have. Never holds a
 * credential.
 * @example
 * ```ts
 * const creator: TaskCreator = { principal: { id: "u1", scopes: [] }, era: "modern", clientCapabilities: {} };
 * ```
 * @category Tasks
 */
export interface TaskCreator {
  /** The authenticated caller (the same shape as a binding context's `principal`). */
  principal: { id: string; scopes: readonly string[]; roles?: readonly string[]; attributes?: Readonly<Record<string, string>> } | undefined;
  era: "legacy" | "modern";
  clientCapabilities: ClientCapabilities | undefined;
}

/**
 * The record core keeps per task in the StateStore namespace {@link TASKS_NAMESPACE}.
 * @example
 * ```ts
 * const record = await state.get<StoredTask>(TASKS_NAMESPACE, taskId);
 * ```
 * @category Tasks
 */
export interface StoredTask {
  taskId: string;
  /** Principal id of the creator (`""` when the transport carries none); only it may read the task. */
  owner: string;
  status: TaskStatus;
  statusMessage?: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms. */
  updatedAt: number;
  ttlMs: number;
  pollIntervalMs: number;
  /** The extension that owns the tool, and the tool. */
  extensionId: string;
  tool: string;
  creator: TaskCreator;
  /** Canonical JSON of the creator's effective extension settings; a reader must match it. */
  settingsFingerprint: string;
  progress?: TaskProgress;
  /** The worker that runs the task, until when (epoch ms); renewed while it runs. */
  lease?: { holder: string; until: number };
  /** How many workers have started the task (1 for the first run). */
  attempts: number;
  /** Set by `tasks/cancel`; the worker aborts its signal when it sees it. */
  cancelRequested?: boolean;
  /** Outstanding input requests, keyed by ids unique over the task's lifetime. */
  inputRequests?: Record<string, unknown>;
  /** Answers delivered by `tasks/update`, keyed like the requests they answer. */
  inputResponses?: Record<string, unknown>;
  result?: CallToolResult;
  error?: TaskError;
}

/**
 * The StateStore namespace of task records.
 * @example
 * ```ts
 * const page = await state.list(TASKS_NAMESPACE, { limit: 100 });
 * ```
 * @category Tasks
 */
export const TASKS_NAMESPACE = "mcp-tasks";

/**
 * The StateStore namespace of task arguments, written once beside the record (which is
 * rewritten on every heartbeat and stays small however large the arguments are).
 * @example
 * ```ts
 * const args = await state.get(TASK_INPUTS_NAMESPACE, taskId);
 * ```
 * @category Tasks
 */
export const TASK_INPUTS_NAMESPACE = "mcp-task-inputs";

/**
 * What a binding running as a task can do beyond a synchronous call: ask the client for
 * input through the task (`input_required`, answered with `tasks/update`).
 * @example
 * ```ts
 * if (context.task) {
 *   const answers = await context.task.requestInput({ confirm: inputRequired.elicit({ message, requestedSchema }) });
 * }
 * ```
 * @category Tasks
 */
export interface TaskHandle {
  /** The task id. */
  readonly id: string;
  /** 1 for the first run, more when a worker resumed the task after another one stopped. */
  readonly attempt: number;
  /**
   * Parks the task in `input_required` with these requests and resolves with the answers once
   * every key is answered. A key answered earlier in the task's life resolves at once with
   * that answer (so a resumed run does not ask twice).
   */
  requestInput(requests: Record<string, unknown>): Promise<Record<string, unknown>>;
  /**
   * Renews the lease now and throws when the task was cancelled or another worker took it
   * over: call it right before applying side effects, so a cancelled or superseded run
   * applies nothing.
   */
  checkpoint(): Promise<void>;
}
