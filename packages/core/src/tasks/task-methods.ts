/**
 * The Tasks extension on a server: advertises `io.modelcontextprotocol/tasks` (both eras),
 * and serves `tasks/get`, `tasks/update` and `tasks/cancel` for tasks any replica created.
 * Every method answers -32021 to a request that did not declare the extension, and a task
 * is visible only to the principal that created it (anyone else gets "not found").
 */
import {
  MissingRequiredClientCapabilityError,
  ProtocolError,
  ProtocolErrorCode,
  type CallToolResult,
  type McpServer,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import { ExtensionError } from "../errors.js";
import { toolErrorResult } from "../tool-error.js";
import type { BindingContext } from "../extension/bindings.js";
import { requestClientCapabilities } from "../server/client-capabilities.js";
import { resolvePrincipal } from "../server/resolve-context.js";
import { detailedTask } from "./task-records.js";
import type { TaskRuntime } from "./task-runtime.js";
import { clientDeclaresTasks, settingsFingerprint } from "./task-tools.js";
import { TASKS_EXTENSION_ID, type DetailedTask, type StoredTask } from "./task-types.js";

/** What one server knows for answering tasks: the runtime and how each extension reads a request. */
export interface TasksAttachment {
  readonly runtime: TaskRuntime;
  /** Registers the context resolver of an attached extension (for the reader's principal and settings). */
  addExtension(extensionId: string, contextFor: (request: ServerContext) => BindingContext): void;
  /** Sends `notifications/tasks` over this server's connection, where it has one (2025 era). */
  notifier(context: BindingContext): ((task: DetailedTask) => void) | undefined;
}

const attachments = new WeakMap<McpServer, TasksAttachment>();

const TaskIdParams = z.object({ taskId: z.string().describe("The task id from CreateTaskResult") }).passthrough();
const UpdateParams = z
  .object({
    taskId: z.string().describe("The task id from CreateTaskResult"),
    // The SDK lifts `inputResponses` out of every request's params (multi-round-trip); read it from the context.
    inputResponses: z.record(z.string(), z.unknown()).optional().describe("Answers keyed like the task's inputRequests"),
  })
  .passthrough();
const AnyResult = z.object({}).passthrough();

function missingTasks(): MissingRequiredClientCapabilityError {
  return new MissingRequiredClientCapabilityError(
    { requiredCapabilities: { extensions: { [TASKS_EXTENSION_ID]: {} } } },
    `Declare the ${TASKS_EXTENSION_ID} extension in the client capabilities to use tasks`,
  );
}

function notFound(): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.InvalidParams, "Failed to retrieve task: Task not found (or it expired)");
}

/**
 * Puts the Tasks extension on a server (idempotent per server) and resolves its attachment.
 * `attachExtension` calls it when an extension has task-capable tools.
 * @example
 * ```ts
 * const tasks = attachTasks(server, taskRuntimeFor(state));
 * ```
 * @category Tasks
 */
export function attachTasks(server: McpServer, runtime: TaskRuntime): TasksAttachment {
  const existing = attachments.get(server);
  if (existing) return existing;
  const resolvers = new Map<string, (request: ServerContext) => BindingContext>();
  server.server.registerCapabilities({ extensions: { [TASKS_EXTENSION_ID]: {} } });

  const principalOf = (resolve: ((request: ServerContext) => BindingContext) | undefined, request: ServerContext) =>
    (resolve ? resolve(request).principal : resolvePrincipal(request, undefined))?.id ?? "";

  /**
   * The task, if the caller owns it. Extensions composed on one server may resolve the caller
   * differently (a vertical's configured principal, an add-on's anonymous one): a task is the
   * caller's when the extension that created it resolves this request to the task's owner.
   */
  const ownedTask = async (taskId: string, request: ServerContext): Promise<{ task: StoredTask; owner: string } | undefined> => {
    if (!clientDeclaresTasks(requestClientCapabilities(server, request).capabilities)) throw missingTasks();
    const first = resolvers.values().next().value as ((request: ServerContext) => BindingContext) | undefined;
    const owners = new Set([first, ...resolvers.values()].map((resolve) => principalOf(resolve, request)));
    for (const owner of owners) {
      const task = await runtime.read(taskId, owner);
      // A task of an extension this server does not carry is judged by the first extension, as before composition.
      if (task && principalOf(resolvers.get(task.extensionId) ?? first, request) === owner) return { task, owner };
    }
    return undefined;
  };

  /** A completed result is released only to a reader whose effective settings match the creator's. */
  const forReader = (task: StoredTask, request: ServerContext): DetailedTask => {
    const detailed = detailedTask(task);
    if (task.status !== "completed") return detailed;
    const resolve = resolvers.get(task.extensionId);
    const matches = resolve ? settingsFingerprint(resolve(request).settings) === task.settingsFingerprint : false;
    if (matches) return detailed;
    const withheld: CallToolResult = toolErrorResult(
      new ExtensionError(
        "TASK_RESULT_WITHHELD",
        `this result was produced under other negotiated ${task.extensionId} settings than this request declares; read it with the same extension settings, or call ${task.tool} again`,
      ),
    );
    return { ...detailed, result: withheld };
  };

  server.server.setRequestHandler("tasks/get", { params: TaskIdParams, result: AnyResult }, async (params, request) => {
    const owned = await ownedTask(params.taskId, request);
    if (!owned) throw notFound();
    return { resultType: "complete", ...forReader(owned.task, request) } as never;
  });
  server.server.setRequestHandler("tasks/update", { params: UpdateParams, result: AnyResult }, async (params, request) => {
    const owned = await ownedTask(params.taskId, request);
    const responses = params.inputResponses ?? request.mcpReq.inputResponses ?? {};
    if (!owned || !(await runtime.update(params.taskId, owned.owner, responses))) throw notFound();
    return { resultType: "complete" } as never;
  });
  server.server.setRequestHandler("tasks/cancel", { params: TaskIdParams, result: AnyResult }, async (params, request) => {
    const owned = await ownedTask(params.taskId, request);
    if (!owned || !(await runtime.cancel(params.taskId, owned.owner))) throw notFound();
    return { resultType: "complete" } as never;
  });

  const attachment: TasksAttachment = {
    runtime,
    addExtension: (extensionId, contextFor) => {
      if (!resolvers.has(extensionId)) resolvers.set(extensionId, contextFor);
    },
    notifier: (context) => {
      // Only a 2025 connection outlives the request; 2026-07-28 requests are independent.
      if (context.era !== "legacy" || !clientDeclaresTasks(context.clientCapabilities)) return undefined;
      return (task) => {
        server.server.notification({ method: "notifications/tasks", params: task as never }).catch(() => undefined);
      };
    },
  };
  attachments.set(server, attachment);
  return attachment;
}
