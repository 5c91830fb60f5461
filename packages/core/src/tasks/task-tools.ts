/**
 * How a task-capable tool call becomes a task: the decision (by the tool's `task` support
 * and whether this very request declared the extension), the durable creation, and the
 * worker-side binding context rebuilt from the stored creator, so the job runs with the
 * creator's principal, negotiation and limits on whichever replica executes it.
 */
import {
  CLIENT_CAPABILITIES_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  ProtocolError,
  ProtocolErrorCode,
  type CallToolResult,
  type ClientCapabilities,
  type ServerContext,
} from "@modelcontextprotocol/server";
import type { BindingContext, ToolDefinition } from "../extension/bindings.js";
import { digestOf } from "../safety/canonical-json.js";
import type { ContextOverrides } from "../server/resolve-context.js";
import { assertProgress, yieldIfBusy } from "./progress.js";
import { taskInfo } from "./task-records.js";
import type { TaskRuntime } from "./task-runtime.js";
import { TASKS_EXTENSION_ID, type DetailedTask, type StoredTask, type TaskSupport } from "./task-types.js";
import type { TaskJobHooks } from "./task-worker.js";

/**
 * Whether the client declared the Tasks extension for this request (2026-07-28: in the
 * request's `_meta`; 2025: in `initialize`).
 * @example
 * ```ts
 * if (clientDeclaresTasks(context.clientCapabilities)) { ... }
 * ```
 * @category Tasks
 */
export function clientDeclaresTasks(capabilities: ClientCapabilities | undefined): boolean {
  const declared = capabilities?.extensions?.[TASKS_EXTENSION_ID];
  return declared !== undefined && declared !== null && typeof declared === "object";
}

/** The task support a tool declared (`forbidden` when it declared none). */
export function taskSupportOf(tool: ToolDefinition): TaskSupport {
  return tool.task ?? "forbidden";
}

/** The fingerprint a reader's effective settings must match to read a task's result. */
export function settingsFingerprint(settings: unknown): string {
  try {
    return digestOf(JSON.parse(JSON.stringify(settings ?? null)));
  } catch {
    return "unserializable";
  }
}

/** A tool call core can run as a task. */
export interface ToolTaskBinding {
  readonly runtime: TaskRuntime;
  readonly extensionId: string;
  readonly tool: ToolDefinition;
  readonly contextFor: (request: ServerContext, overrides?: ContextOverrides) => BindingContext;
  /** The synchronous pipeline after argument validation: handler, output schema, size limit, audit. */
  readonly execute: (input: unknown, context: BindingContext) => Promise<CallToolResult>;
}

const unavailable = (what: string) => async () => {
  throw new ProtocolError(ProtocolErrorCode.InternalError, `${what} is not available to a task's worker; use context.task.requestInput`);
};

/**
 * The request context a worker runs a task under: the creator's declared capabilities in a
 * 2026-07-28 envelope (so negotiation is re-derived exactly), no live connection.
 */
function workerRequest(task: StoredTask, signal: AbortSignal): ServerContext {
  return {
    mcpReq: {
      id: `task:${task.taskId}`,
      method: "tools/call",
      envelope: { [PROTOCOL_VERSION_META_KEY]: "2026-07-28", [CLIENT_CAPABILITIES_META_KEY]: task.creator.clientCapabilities ?? {} },
      signal,
      requestState: () => undefined,
      notify: async () => undefined,
      send: unavailable("Sending requests to the client"),
      log: async () => undefined,
      elicitInput: unavailable("Elicitation"),
      requestSampling: unavailable("Sampling"),
    },
  } as unknown as ServerContext;
}

function workerOverrides(task: StoredTask, hooks: TaskJobHooks): ContextOverrides {
  let last = -Infinity;
  return {
    principal: task.creator.principal as ContextOverrides["principal"],
    era: task.creator.era,
    signal: hooks.signal,
    task: hooks.task,
    progress: async (done, total, message) => {
      assertProgress(done, total);
      await yieldIfBusy();
      if (!(done > last)) return;
      last = done;
      hooks.progress({ done, ...(total === undefined ? {} : { total }), ...(message ? { message } : {}) });
    },
  };
}

/** Lets the runtime start and resume this tool's tasks on this process. */
export function registerToolTask(binding: ToolTaskBinding): void {
  binding.runtime.register({
    extensionId: binding.extensionId,
    tool: binding.tool.name,
    resume: binding.tool.taskResume ?? "fail",
    run: (task, input, hooks) => {
      const context = binding.contextFor(workerRequest(task, hooks.signal), workerOverrides(task, hooks));
      return binding.execute(input, context);
    },
  });
}

/**
 * Creates the task for a validated call and answers with the flat `CreateTaskResult`
 * (`resultType: "task"`), only once the record is durable.
 */
export async function startToolTask(
  binding: ToolTaskBinding,
  input: unknown,
  context: BindingContext,
  onChange?: (task: DetailedTask) => void,
): Promise<CallToolResult> {
  const task = await binding.runtime.create(
    {
      extensionId: binding.extensionId,
      tool: binding.tool.name,
      input,
      owner: context.principal?.id ?? "",
      creator: { principal: context.principal, era: context.era, clientCapabilities: context.clientCapabilities },
      settingsFingerprint: settingsFingerprint(context.settings),
    },
    onChange,
  );
  return { resultType: "task", ...taskInfo(task) } as unknown as CallToolResult;
}
