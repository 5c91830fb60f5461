import {
  McpServer,
  MissingRequiredClientCapabilityError,
  ProtocolError,
  ProtocolErrorCode,
  ResourceTemplate,
  type CallToolRequest,
  type CallToolResult,
  type GetPromptResult,
  type ReadResourceResult,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import type { AnyExtension } from "../extension/define.js";
import type {
  BindingContext,
  MethodDefinition,
  PromptDefinition,
  ResourceContent,
  ResourceDefinition,
  ToolDefinition,
} from "../extension/bindings.js";
import { ExtensionError, isExtensionError } from "../errors.js";
import { toolErrorResult } from "../tool-error.js";
import type { AuditTrail } from "../safety/audit-chain.js";
import type { StateStore } from "../state/state-store.js";
import { createContextResolver, type PrincipalSource } from "./resolve-context.js";
import { InputRequiredSignal } from "./confirm-with-user.js";
import { describeIssues } from "./describe-issues.js";
import { asPortableStandardSchema, portableToolSchema } from "../extension/portable-schema.js";
import { bindingAvailable, filterListsFor, listAllBindings, type HiddenBindings } from "./list-filter.js";
import { attachToolsets, TOOLSET_NOT_ENABLED } from "./toolsets.js";
import { attachTasks, type TasksAttachment } from "../tasks/task-methods.js";
import { taskRuntimeFor, type TaskRuntime } from "../tasks/task-runtime.js";
import { clientDeclaresTasks, registerToolTask, startToolTask, taskSupportOf, type ToolTaskBinding } from "../tasks/task-tools.js";
import { TASKS_EXTENSION_ID } from "../tasks/task-types.js";

/**
 * JSON-RPC error code for a domain refusal raised by a custom method (outside the range
 * the MCP specification reserves); `data.code` carries the extension's own code.
 * @category Server
 */
export const EXTENSION_ERROR_CODE = -31001;

const DEFAULT_MAX_OUTPUT_BYTES = 512 * 1024;

/**
 * Options for {@link attachExtension}.
 * @category Server
 */
export interface AttachOptions<Settings, Services> {
  /** The server's settings; validated (and defaulted) with the extension's `serverSettings` schema. */
  settings: Settings;
  /** Backends and helpers handed to every binding as `context.services`. */
  services: Services;
  /** Audit trail that receives one record per binding call and denial. */
  audit?: AuditTrail;
  /** Shared state (approvals, idempotency, tasks) handed to bindings as `context.state`; share one across replicas. */
  state?: StateStore;
  /** The caller when the transport carries no authentication (stdio, local HTTP). */
  principal?: PrincipalSource;
  /** Runs task-capable tools as tasks; default: the runtime of `state` (or of process memory). */
  tasks?: TaskRuntime;
  /** Where unexpected handler failures are reported; they never reach the client. */
  onError?: (error: unknown, binding: string) => void;
  /**
   * List every binding whatever the client negotiated (debugging with generic inspectors).
   * By default each list shows only what the client can call in its negotiated state.
   */
  listAll?: boolean;
  /**
   * The toolsets (of the extension's `toolsets`) to serve; `all`, `default` and `none` may be
   * combined with names. Default: the toolsets marked `default`. Tools, prompts and resources
   * outside them are neither listed nor served; the bins' `--toolsets` flag (or `MCP_TOOLSETS`) overrides this.
   */
  toolsets?: readonly string[];
}

/**
 * What {@link attachExtension} returns.
 * @category Server
 */
export interface AttachedExtension<Settings = unknown> {
  readonly extension: AnyExtension;
  /** The advertised settings (`capabilities.extensions[id]`), versions included. */
  readonly advertised: Settings & { versions: string[] };
  /** Builds the binding context for a request (for handlers the server registers itself). */
  readonly contextFor: (request: ServerContext) => BindingContext;
}

type ToolCallHandler = (request: CallToolRequest, context: ServerContext) => Promise<CallToolResult>;
type RawHandler = (request: unknown, context: ServerContext) => Promise<unknown>;

/** The listed gate of a binding: the key only when the client extension is required (absent means not). */
function gateMeta(binding: { readonly requiresClientExtension?: boolean }): { requiresClientExtension?: true } {
  return binding.requiresClientExtension === true ? { requiresClientExtension: true } : {};
}

/** Tools owned by attached extensions, per server, consulted by one `tools/call` interceptor. */
const extensionTools = new WeakMap<McpServer, Map<string, ToolCallHandler>>();

/**
 * Attaches an extension to an `McpServer`: advertises its settings in capabilities (both
 * eras), registers its tools, resources, prompts and `<id>/<verb>` methods, negotiates
 * per request, and gates bindings that require the client extension with `-32021`.
 * Must run before the server connects (serving entries build a fresh server per
 * connection or request, so call it inside the factory).
 *
 * @example
 * ```ts
 * const server = new McpServer({ name: "weather", version: "1.0.0" });
 * attachExtension(server, weatherExtension, { settings: { units: ["metric"] }, services: {} });
 * ```
 * @category Server
 */
export function attachExtension<Ext extends AnyExtension, Services>(
  server: McpServer,
  extension: Ext,
  options: AttachOptions<z.input<Ext["serverSettings"]>, Services>,
): AttachedExtension<z.output<Ext["serverSettings"]>> {
  const parsedSettings = extension.serverSettings.safeParse(options.settings);
  if (!parsedSettings.success) {
    const { field, message } = describeIssues(parsedSettings.error);
    throw new TypeError(`Invalid server settings for extension ${extension.id} at ${field || "(root)"}: ${message}`);
  }
  const serverSettings = parsedSettings.data;
  const advertised = { ...serverSettings, versions: [...extension.versions] };
  server.server.registerCapabilities({ extensions: { [extension.id]: advertised } });
  const toolsetRefusal = attachToolsets(server, extension, advertised, options.toolsets);

  const contextFor = createContextResolver({
    server,
    extension,
    serverSettings,
    services: options.services,
    audit: options.audit,
    state: options.state,
    principal: options.principal,
  });
  const report = options.onError ?? (() => undefined);
  const audit: BindingRuntime["audit"] = options.audit ? (context, entry) => context.audit(entry) : async () => undefined;
  const binding: BindingRuntime = { extension, contextFor, report, audit, toolsetRefusal };
  if (extension.tools.some((tool) => taskSupportOf(tool) !== "forbidden")) {
    binding.tasks = attachTasks(server, options.tasks ?? taskRuntimeFor(options.state));
    binding.tasks.addExtension(extension.id, contextFor);
  }

  const owned = toolTable(server);
  for (const tool of extension.tools) {
    const call = toolCaller(server, tool, binding);
    owned.set(tool.name, call);
    server.registerTool(
      tool.name,
      {
        ...(tool.title === undefined ? {} : { title: tool.title }),
        description: tool.description,
        inputSchema: asPortableStandardSchema(tool.input),
        outputSchema: asPortableStandardSchema(tool.output),
        annotations: tool.annotations,
        _meta: { [extension.id]: { ...gateMeta(tool), ...tool.meta } },
      },
      // Only reached if another layer bypasses the interceptor; keep behaviour identical.
      async (_args: unknown, context: ServerContext) =>
        call({ method: "tools/call", params: { name: tool.name, arguments: _args as Record<string, unknown> } } as CallToolRequest, context),
    );
  }
  if (extension.tools.length > 0) installToolInterceptor(server);
  for (const method of extension.methods) registerMethod(server, method, binding);
  for (const resource of extension.resources) registerResource(server, resource, binding);
  for (const prompt of extension.prompts) registerPrompt(server, prompt, binding);
  filterListsFor(server, (request, hidden) => hideUnavailable(extension, contextFor(request), hidden));
  filterListsFor(server, (_request, hidden) => hideOutsideToolsets(extension, toolsetRefusal, hidden), { evenWhenListingAll: true });
  if (options.listAll) listAllBindings(server);

  return { extension, advertised: advertised as never, contextFor: contextFor as (request: ServerContext) => BindingContext };
}

/**
 * One visibility rule for every list: a binding is listed iff the gates its call passes are
 * met (the client extension, and for tools served only as tasks, the Tasks extension).
 */
function hideUnavailable(extension: AnyExtension, context: BindingContext, hidden: HiddenBindings): void {
  for (const tool of extension.tools) {
    const servable = taskSupportOf(tool) !== "required" || clientDeclaresTasks(context.clientCapabilities);
    if (!servable || !bindingAvailable(tool, context)) hidden.tools.add(tool.name);
  }
  for (const resource of extension.resources) {
    if (bindingAvailable(resource, context)) continue;
    (resource.uri.includes("{") ? hidden.templates : hidden.resources).add(resource.uri);
  }
  for (const prompt of extension.prompts) if (!bindingAvailable(prompt, context)) hidden.prompts.add(prompt.name);
}

/** Leaves out of every list the tools, resources and prompts of toolsets the operator did not select. */
function hideOutsideToolsets(extension: AnyExtension, refusal: BindingRuntime["toolsetRefusal"], hidden: HiddenBindings): void {
  for (const tool of extension.tools) if (refusal(tool, tool.name)) hidden.tools.add(tool.name);
  for (const resource of extension.resources) {
    if (refusal(resource, resource.uri)) (resource.uri.includes("{") ? hidden.templates : hidden.resources).add(resource.uri);
  }
  for (const prompt of extension.prompts) if (refusal(prompt, prompt.name)) hidden.prompts.add(prompt.name);
}

interface BindingRuntime {
  extension: AnyExtension;
  contextFor: ToolTaskBinding["contextFor"];
  /** Present when the extension has task-capable tools. */
  tasks?: TasksAttachment;
  report: (error: unknown, binding: string) => void;
  /** The refusal of a binding (named by `label`) outside the served toolsets (read per request: the operator's selection may come after attach). */
  toolsetRefusal: (binding: { readonly toolset?: string }, label: string) => ExtensionError | undefined;
  /** Records through the context's trail; a no-op without one. */
  audit: (context: BindingContext, entry: Parameters<BindingContext["audit"]>[0]) => Promise<void>;
}

function toolTable(server: McpServer): Map<string, ToolCallHandler> {
  let table = extensionTools.get(server);
  if (!table) {
    table = new Map();
    extensionTools.set(server, table);
  }
  return table;
}

/**
 * McpServer turns any throw inside a tool callback into an `isError` result, so the
 * spec's `-32021` can never come from there. Core takes over `tools/call` once per
 * server: extension tools are dispatched here, every other tool goes to the handler the
 * SDK (or an earlier interceptor) installed.
 */
function installToolInterceptor(server: McpServer): void {
  const protocol = server.server as unknown as {
    _getRequestHandler(method: string): RawHandler | undefined;
    __mcpVerticalsIntercepted?: boolean;
  };
  if (protocol.__mcpVerticalsIntercepted) return;
  const previous = protocol._getRequestHandler("tools/call");
  const table = toolTable(server);
  server.server.removeRequestHandler("tools/call");
  server.server.setRequestHandler("tools/call", async (request, context) => {
    const own = table.get(request.params.name);
    if (own) return own(request, context);
    if (!previous) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Tool ${request.params.name} not found`);
    return (await previous({ jsonrpc: "2.0", id: context.mcpReq.id, ...request }, context)) as CallToolResult;
  });
  protocol.__mcpVerticalsIntercepted = true;
}

function missingCapability(extensionId: string): MissingRequiredClientCapabilityError {
  return new MissingRequiredClientCapabilityError(
    { requiredCapabilities: { extensions: { [extensionId]: {} } } },
    `This request requires the client to declare the ${extensionId} extension`,
  );
}

/** The typed error rides in `_meta`, where no client checks it against the output schema. */
function errorResult(error: ExtensionError): CallToolResult {
  return toolErrorResult(error);
}

function toolCaller(server: McpServer, tool: ToolDefinition, runtime: BindingRuntime): ToolCallHandler {
  const bindingName = `tools/call:${tool.name}`;
  // Cached per schema: stateless serving builds a server per request.
  const outputSchemaJson = portableToolSchema(tool.output, "output");
  const maxBytes = tool.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const support = taskSupportOf(tool);

  /** Everything after argument validation; a task's worker runs exactly this too. */
  const execute = async (data: unknown, context: BindingContext): Promise<CallToolResult> => {
    let raw: unknown;
    try {
      raw = await tool.handler(data as never, context);
    } catch (error) {
      // The round ends here; the client asks the user and retries the call with the answer.
      if (error instanceof InputRequiredSignal) return error.result as unknown as CallToolResult;
      if (isExtensionError(error)) {
        await runtime.audit(context, { binding: bindingName, outcome: "denied", code: error.code });
        return errorResult(error);
      }
      if (error instanceof ProtocolError) throw error;
      // A cancelled call or task: let the task worker (or the SDK) record the cancellation.
      if (context.signal.aborted && error === context.signal.reason) throw error;
      runtime.report(error, bindingName);
      await runtime.audit(context, { binding: bindingName, outcome: "error", code: "INTERNAL_ERROR" });
      return errorResult(new ExtensionError("INTERNAL_ERROR", `${tool.name} failed unexpectedly; the server logged the cause`));
    }
    const output = tool.output.safeParse(raw);
    if (!output.success) {
      // A server bug: never send data that breaks the advertised contract.
      const { field } = describeIssues(output.error);
      runtime.report(output.error, bindingName);
      await runtime.audit(context, { binding: bindingName, outcome: "error", code: "OUTPUT_SCHEMA_VIOLATION" });
      throw new ProtocolError(ProtocolErrorCode.InternalError, `Tool ${tool.name} produced output that does not match its output schema${field ? ` at ${field}` : ""}`);
    }
    const text = tool.render ? tool.render(output.data) : JSON.stringify(output.data);
    // UTF-16 length × 3 bounds the UTF-8 size, so most outputs skip the exact count.
    if (text.length * 3 > maxBytes && Buffer.byteLength(text) > maxBytes) {
      await runtime.audit(context, { binding: bindingName, outcome: "error", code: "OUTPUT_TOO_LARGE" });
      return errorResult(new ExtensionError("OUTPUT_TOO_LARGE", `${tool.name} output exceeds ${maxBytes} bytes; narrow the query or lower the limit`));
    }
    await runtime.audit(context, { binding: bindingName, outcome: "ok" });
    return server.server.projectCallToolResult(
      { content: [{ type: "text", text }], structuredContent: output.data as Record<string, unknown> },
      outputSchemaJson,
    );
  };

  const taskBinding: ToolTaskBinding | undefined =
    runtime.tasks && support !== "forbidden"
      ? { runtime: runtime.tasks.runtime, extensionId: runtime.extension.id, tool, contextFor: runtime.contextFor, execute }
      : undefined;
  if (taskBinding) registerToolTask(taskBinding);

  return async (request, sdkContext) => {
    const context = runtime.contextFor(sdkContext);
    const refusal = runtime.toolsetRefusal(tool, tool.name);
    if (refusal) {
      // Checked first: no client declaration enables it, only the operator can.
      await runtime.audit(context, { binding: bindingName, outcome: "denied", code: TOOLSET_NOT_ENABLED });
      return errorResult(refusal);
    }
    if (!bindingAvailable(tool, context)) {
      await runtime.audit(context, { binding: bindingName, outcome: "denied", code: "MISSING_CLIENT_EXTENSION" });
      throw missingCapability(runtime.extension.id);
    }
    const asTask = taskBinding !== undefined && clientDeclaresTasks(context.clientCapabilities);
    if (support === "required" && !asTask) {
      // SEP-2663: a call that can only be served as a task needs a client that can poll one.
      await runtime.audit(context, { binding: bindingName, outcome: "denied", code: "MISSING_CLIENT_EXTENSION" });
      throw missingCapability(TASKS_EXTENSION_ID);
    }
    const input = tool.input.safeParse(request.params.arguments ?? {});
    if (!input.success) {
      const { field, message } = describeIssues(input.error);
      await runtime.audit(context, { binding: bindingName, outcome: "denied", code: "INVALID_ARGUMENTS" });
      return errorResult(new ExtensionError("INVALID_ARGUMENTS", `Invalid arguments for ${tool.name}${field ? ` at ${field}` : ""}: ${message}`, field ? { field } : {}));
    }
    if (!asTask) return execute(input.data, context);
    let taskInput: unknown = input.data;
    if (tool.beforeTask) {
      try {
        const replaced = await tool.beforeTask(input.data, context);
        if (replaced !== undefined) taskInput = tool.input.parse(replaced);
      } catch (error) {
        if (error instanceof InputRequiredSignal) return error.result as unknown as CallToolResult;
        if (isExtensionError(error)) {
          await runtime.audit(context, { binding: bindingName, outcome: "denied", code: error.code });
          return errorResult(error);
        }
        throw error;
      }
    }
    return startToolTask(taskBinding, taskInput, context, runtime.tasks!.notifier(context));
  };
}

function registerMethod(server: McpServer, method: MethodDefinition, runtime: BindingRuntime): void {
  const name = runtime.extension.methodName(method.verb);
  const requires = method.requiresClientExtension ?? true;
  server.server.setRequestHandler(name, { params: method.params, result: method.result }, async (params, sdkContext) => {
    const context = runtime.contextFor(sdkContext);
    if (!bindingAvailable({ requiresClientExtension: requires }, context)) {
      await runtime.audit(context, { binding: name, outcome: "denied", code: "MISSING_CLIENT_EXTENSION" });
      throw missingCapability(runtime.extension.id);
    }
    const { _meta: _ignored, ...clean } = params as Record<string, unknown>;
    const parsed = method.params.safeParse(clean);
    if (!parsed.success) {
      const { field, message } = describeIssues(parsed.error);
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Invalid params for ${name}${field ? ` at ${field}` : ""}: ${message}`, { field });
    }
    let raw: unknown;
    try {
      raw = await method.handler(parsed.data, context);
    } catch (error) {
      if (isExtensionError(error)) {
        await runtime.audit(context, { binding: name, outcome: "denied", code: error.code });
        throw new ProtocolError(EXTENSION_ERROR_CODE, `${error.code}: ${error.message}`, error.toJSON());
      }
      if (error instanceof ProtocolError) throw error;
      runtime.report(error, name);
      await runtime.audit(context, { binding: name, outcome: "error", code: "INTERNAL_ERROR" });
      throw new ProtocolError(ProtocolErrorCode.InternalError, `${name} failed unexpectedly; the server logged the cause`);
    }
    const result = method.result.safeParse(raw);
    if (!result.success) {
      runtime.report(result.error, name);
      await runtime.audit(context, { binding: name, outcome: "error", code: "OUTPUT_SCHEMA_VIOLATION" });
      throw new ProtocolError(ProtocolErrorCode.InternalError, `${name} produced a result that does not match its schema`);
    }
    await runtime.audit(context, { binding: name, outcome: "ok" });
    return result.data as never;
  });
}

function toProtocolError(error: unknown, binding: string, runtime: BindingRuntime): never {
  if (isExtensionError(error)) {
    throw new ProtocolError(
      error.code === "NOT_FOUND" || error.code.endsWith("_NOT_FOUND") ? ProtocolErrorCode.InvalidParams : EXTENSION_ERROR_CODE,
      `${error.code}: ${error.message}`,
      error.toJSON(),
    );
  }
  if (error instanceof ProtocolError) throw error;
  runtime.report(error, binding);
  throw new ProtocolError(ProtocolErrorCode.InternalError, `${binding} failed unexpectedly; the server logged the cause`);
}

/**
 * A prompt or resource of an unselected toolset answers the same typed refusal a tool call gets,
 * as a JSON-RPC error (these methods have no isError result). Checked first: only the operator enables it.
 */
async function refuseOutsideToolsets(
  member: { readonly toolset?: string },
  label: string,
  binding: string,
  context: BindingContext,
  runtime: BindingRuntime,
): Promise<void> {
  const refusal = runtime.toolsetRefusal(member, label);
  if (!refusal) return;
  await runtime.audit(context, { binding, outcome: "denied", code: TOOLSET_NOT_ENABLED });
  toProtocolError(refusal, binding, runtime);
}

function registerResource(server: McpServer, resource: ResourceDefinition, runtime: BindingRuntime): void {
  const binding = `resources/read:${resource.name}`;
  const metadata = {
    ...(resource.title === undefined ? {} : { title: resource.title }),
    description: resource.description,
    mimeType: resource.mimeType,
    _meta: { [runtime.extension.id]: gateMeta(resource) },
  };
  const read = async (uri: URL, variables: Record<string, string | string[]>, sdkContext: ServerContext): Promise<ReadResourceResult> => {
    const context = runtime.contextFor(sdkContext);
    await refuseOutsideToolsets(resource, resource.uri, binding, context, runtime);
    if (!bindingAvailable(resource, context)) {
      await runtime.audit(context, { binding, outcome: "denied", code: "MISSING_CLIENT_EXTENSION" });
      throw missingCapability(runtime.extension.id);
    }
    const flat = Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, Array.isArray(value) ? value.join(",") : value]));
    try {
      const produced = await resource.read(uri, flat, context);
      const items = (Array.isArray(produced) ? produced : [produced]) as ResourceContent[];
      await runtime.audit(context, { binding, outcome: "ok" });
      return { contents: items.map((item) => ({ uri: item.uri ?? uri.href, mimeType: item.mimeType ?? resource.mimeType, ...("text" in item ? { text: item.text } : { blob: item.blob }) })) };
    } catch (error) {
      await runtime.audit(context, { binding, outcome: isExtensionError(error) ? "denied" : "error", code: isExtensionError(error) ? error.code : "INTERNAL_ERROR" });
      return toProtocolError(error, binding, runtime);
    }
  };
  if (!resource.uri.includes("{")) {
    server.registerResource(resource.name, resource.uri, metadata, (uri, sdkContext) => read(uri, {}, sdkContext));
    return;
  }
  const template = new ResourceTemplate(resource.uri, {
    list: resource.list
      ? async (sdkContext) => {
          const context = runtime.contextFor(sdkContext);
          if (runtime.toolsetRefusal(resource, resource.uri) || !bindingAvailable(resource, context)) return { resources: [] };
          const listed = await resource.list!(context);
          return { resources: listed.map((entry) => ({ mimeType: resource.mimeType, ...entry })) };
        }
      : undefined,
    ...(resource.complete
      ? {
          complete: Object.fromEntries(
            Object.entries(resource.complete).map(([variable, complete]) => [variable, async (value: string) => [...(await complete(value))]]),
          ),
        }
      : {}),
  });
  server.registerResource(resource.name, template, metadata, (uri, variables, sdkContext) => read(uri, variables, sdkContext));
}

/**
 * The SDK checks a prompt's arguments before its callback runs. A prompt of an unselected toolset
 * is refused ahead of that check, so bad arguments cannot reveal the shape of a prompt the server does not serve.
 */
function refusePromptBeforeArguments(server: McpServer, prompt: PromptDefinition, binding: string, runtime: BindingRuntime): void {
  const protocol = server.server as unknown as { _getRequestHandler(method: string): RawHandler | undefined };
  // registerPrompt has just installed the SDK's handler.
  const previous = protocol._getRequestHandler("prompts/get")!;
  server.server.removeRequestHandler("prompts/get");
  server.server.setRequestHandler("prompts/get", async (request, context) => {
    if (request.params.name === prompt.name) await refuseOutsideToolsets(prompt, prompt.name, binding, runtime.contextFor(context), runtime);
    return (await previous({ jsonrpc: "2.0", id: context.mcpReq.id, ...request }, context)) as GetPromptResult;
  });
}

function registerPrompt(server: McpServer, prompt: PromptDefinition, runtime: BindingRuntime): void {
  const binding = `prompts/get:${prompt.name}`;
  server.registerPrompt(
    prompt.name,
    {
      ...(prompt.title === undefined ? {} : { title: prompt.title }),
      description: prompt.description,
      argsSchema: prompt.args,
      _meta: { [runtime.extension.id]: gateMeta(prompt) },
    },
    async (args: unknown, sdkContext: ServerContext): Promise<GetPromptResult> => {
      const context = runtime.contextFor(sdkContext);
      if (!bindingAvailable(prompt, context)) {
        await runtime.audit(context, { binding, outcome: "denied", code: "MISSING_CLIENT_EXTENSION" });
        throw missingCapability(runtime.extension.id);
      }
      try {
        const rendered = await prompt.render(args as never, context);
        await runtime.audit(context, { binding, outcome: "ok" });
        const messages = typeof rendered === "string" ? [{ role: "user" as const, content: { type: "text" as const, text: rendered } }] : [...rendered];
        return { description: prompt.description, messages };
      } catch (error) {
        await runtime.audit(context, { binding, outcome: isExtensionError(error) ? "denied" : "error", code: isExtensionError(error) ? error.code : "INTERNAL_ERROR" });
        return toProtocolError(error, binding, runtime);
      }
    },
  );
  if (prompt.toolset !== undefined) refusePromptBeforeArguments(server, prompt, binding, runtime);
}
