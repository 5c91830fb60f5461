import type { z } from "zod";
import type { ClientCapabilities, ServerContext, ToolAnnotations, PromptMessage } from "@modelcontextprotocol/server";
import type { StateStore } from "../state/state-store.js";
import type { AuditEntryInput } from "../safety/audit-records.js";
import type { TaskHandle, TaskResumePolicy, TaskSupport } from "../tasks/task-types.js";

/**
 * The two MCP protocol eras core serves: `legacy` (2025 `initialize` handshake) and
 * `modern` (2026-07-28: capabilities ride every request's `_meta`).
 * @category Extension
 */
export type ProtocolEra = "legacy" | "modern";

/**
 * Who is calling, as established by authentication (never by tool arguments).
 * @category Extension
 */
export interface Principal {
  /** Stable identifier of the caller (token subject or client id). */
  readonly id: string;
  /** OAuth scopes (or SMART scopes) granted to the caller. */
  readonly scopes: readonly string[];
  /** Domain roles, e.g. `teacher`, `student`, `clinician`. */
  readonly roles?: readonly string[];
  /** Other verified claims, e.g. a patient in context. */
  readonly attributes?: Readonly<Record<string, string>>;
}

/**
 * What every binding handler learns about the request it serves: whether the client
 * negotiated the extension, with which settings, in which era, and on whose behalf.
 * @category Extension
 */
export interface BindingContext<ServerSettings = unknown, ClientSettings = unknown, Effective = unknown, Services = unknown> {
  /** The extension id. */
  readonly extensionId: string;
  /** The client declared the extension and both sides share a version. */
  readonly declared: boolean;
  /** The client listed the extension in its capabilities (even with no common version). */
  readonly clientListed: boolean;
  /** The negotiated extension version; `undefined` when not negotiated. */
  readonly version: string | undefined;
  /** The settings this server advertises. */
  readonly serverSettings: ServerSettings;
  /** The client's validated settings; `undefined` for a client that did not negotiate. */
  readonly clientSettings: ClientSettings | undefined;
  /** The effective settings: the extension's `negotiate` applied to both sides (fallback when undeclared). */
  readonly settings: Effective;
  /** The protocol era of this request. */
  readonly era: ProtocolEra;
  /** Everything the client declared for this request (e.g. `elicitation`), as sent. */
  readonly clientCapabilities: ClientCapabilities | undefined;
  /** The authenticated caller, when there is one. */
  readonly principal: Principal | undefined;
  /** The backends and helpers the server was attached with. */
  readonly services: Services;
  /** Shared state the server was attached with (approvals, idempotency, tasks); `undefined` without one. */
  readonly state: StateStore | undefined;
  /** Appends an entry to the attached audit trail (no-op without one). */
  audit(entry: Omit<AuditEntryInput, "extension" | "principal"> & { principal?: string }): Promise<void>;
  /**
   * Adds detail and subjects (stored as keyed hashes) to the one record core writes for this
   * call, so a vertical enriches it instead of writing a second record. Flat, non-sensitive values only.
   */
  annotateAudit(annotation: { detail?: AuditEntryInput["detail"]; subjects?: readonly string[] }): void;
  /**
   * Aborted when the client gives up on the call: `notifications/cancelled` for a synchronous
   * call, `tasks/cancel` for a task. Long jobs check it between records and stop promptly.
   */
  readonly signal: AbortSignal;
  /**
   * Reports progress (`done` of `total` units, e.g. records or bytes): sent as
   * `notifications/progress` when the client passed a progressToken, recorded as the task's
   * status when the call runs as a task, dropped otherwise. Only increasing `done` values are sent.
   */
  progress(done: number, total?: number, message?: string): Promise<void>;
  /** The task this call runs as (`io.modelcontextprotocol/tasks`); `undefined` for a synchronous call. */
  readonly task: TaskHandle | undefined;
  /** The raw SDK request context, for what core does not wrap (synthetic for a task's worker). */
  readonly request: ServerContext;
}

/**
 * Annotations every tool must state explicitly, so hosts can decide on confirmation.
 * @category Extension
 */
export type RequiredToolAnnotations = ToolAnnotations & {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
};

/** An object schema: MCP tool inputs and structured outputs are JSON objects. */
export type ObjectSchema = z.ZodObject<z.ZodRawShape>;

/**
 * A typed tool: schemas for both directions, annotations, and the handler.
 * @category Extension
 */
export interface ToolDefinition<
  Name extends string = string,
  Input extends ObjectSchema = ObjectSchema,
  Output extends ObjectSchema = ObjectSchema,
  Context = any,
> {
  readonly kind: "tool";
  /** Tool name, `^[A-Za-z0-9_.-]{1,128}$`; prefix it with the vertical, e.g. `fhir_search`. */
  readonly name: Name;
  readonly title?: string;
  /** Written for a model: what it does, when to use it, what it returns. */
  readonly description: string;
  readonly input: Input;
  readonly output: Output;
  readonly annotations: RequiredToolAnnotations;
  /** When true, clients that did not negotiate the extension get `-32021`. */
  readonly requiresClientExtension?: boolean;
  /** Extra extension metadata published at `_meta[<extension id>]` in `tools/list`. */
  readonly meta?: Readonly<Record<string, unknown>>;
  /**
   * The toolset (declared in the extension's `toolsets`) this tool belongs to. Outside the
   * toolsets the operator selected it is neither listed nor callable; untagged tools are always served.
   */
  readonly toolset?: string;
  /** Sample inputs: documentation, and the calls the conformance kit makes. */
  readonly examples?: readonly z.input<Input>[];
  /** Text rendering of the output for models that read `content`; JSON when omitted. */
  readonly render?: (output: z.output<Output>) => string;
  /** Hard ceiling on the serialized structured output; default 512 KiB. */
  readonly maxOutputBytes?: number;
  /**
   * Whether the tool runs as a task (`io.modelcontextprotocol/tasks`): `required`, `optional`
   * (a task for clients that declared the extension) or `forbidden` (default).
   */
  readonly task?: TaskSupport;
  /** What happens to its task when the worker dies: `fail` (default) or `restart` from the stored arguments. */
  readonly taskResume?: TaskResumePolicy;
  /**
   * Runs in the `tools/call` request before a task is created, e.g. to ask the human to
   * confirm through multi-round-trip `input_required` (the task is created on the round
   * that passes). Throw an `ExtensionError` to refuse without creating a task. Return new
   * arguments (e.g. with the answers gathered) to run the task with those instead.
   */
  readonly beforeTask?: (input: z.output<Input>, context: Context) => void | z.output<Input> | Promise<void | z.output<Input>>;
  readonly handler: (input: z.output<Input>, context: Context) => z.input<Output> | Promise<z.input<Output>>;
}

/**
 * A custom JSON-RPC method, served as `<extension id>/<verb>`.
 * @category Extension
 */
export interface MethodDefinition<
  Verb extends string = string,
  Params extends ObjectSchema = ObjectSchema,
  Result extends ObjectSchema = ObjectSchema,
  Context = any,
> {
  readonly kind: "method";
  readonly verb: Verb;
  readonly description: string;
  readonly params: Params;
  readonly result: Result;
  /** Custom methods exist only for clients that negotiated the extension; default true. */
  readonly requiresClientExtension?: boolean;
  readonly examples?: readonly z.input<Params>[];
  readonly handler: (params: z.output<Params>, context: Context) => z.input<Result> | Promise<z.input<Result>>;
}

/**
 * One content item a resource read returns.
 * @category Extension
 */
export type ResourceContent = { uri?: string; mimeType?: string; text: string } | { uri?: string; mimeType?: string; blob: string };

/**
 * A listed resource (for templates' `list`).
 * @category Extension
 */
export interface ResourceListing {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

/**
 * A resource at a fixed URI, or a family of resources under an RFC 6570 URI template.
 * @category Extension
 */
export interface ResourceDefinition<Context = any> {
  readonly kind: "resource";
  readonly name: string;
  readonly title?: string;
  readonly description: string;
  readonly mimeType: string;
  /** A fixed URI (`healthcare://policy`) or a template (`fhir://{resourceType}/{id}`). */
  readonly uri: string;
  readonly requiresClientExtension?: boolean;
  /**
   * The toolset (declared in the extension's `toolsets`) whose tools this resource leads to.
   * Outside the toolsets the operator selected it is neither listed nor readable; untagged resources are always served.
   */
  readonly toolset?: string;
  /** Lists concrete resources of a template. */
  readonly list?: (context: Context) => readonly ResourceListing[] | Promise<readonly ResourceListing[]>;
  /** Completes a template variable. */
  readonly complete?: Readonly<Record<string, (value: string) => readonly string[] | Promise<readonly string[]>>>;
  /** A sample URI the conformance kit reads. */
  readonly example?: string;
  readonly read: (
    uri: URL,
    variables: Readonly<Record<string, string>>,
    context: Context,
  ) => ResourceContent | readonly ResourceContent[] | Promise<ResourceContent | readonly ResourceContent[]>;
}

/**
 * A prompt template with typed string arguments.
 * @category Extension
 */
export interface PromptDefinition<Args extends ObjectSchema = ObjectSchema, Context = any> {
  readonly kind: "prompt";
  readonly name: string;
  readonly title?: string;
  readonly description: string;
  readonly args: Args;
  readonly requiresClientExtension?: boolean;
  /**
   * The toolset (declared in the extension's `toolsets`) whose tools this prompt leads the model
   * to. Outside the toolsets the operator selected it is neither listed nor served; untagged prompts are always served.
   */
  readonly toolset?: string;
  readonly examples?: readonly z.input<Args>[];
  readonly render: (args: z.output<Args>, context: Context) => string | readonly PromptMessage[] | Promise<string | readonly PromptMessage[]>;
}

/**
 * Defines a typed tool. The name is kept as a literal type, so clients get typed calls.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * const greet = defineTool({
 *   name: "template_greet",
 *   description: "Greets someone by name.",
 *   input: z.object({ name: z.string() }),
 *   output: z.object({ greeting: z.string() }),
 *   annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
 *   handler: ({ name }) => ({ greeting: `Hello, ${name}` }),
 * });
 * ```
 * @category Extension
 */
export function defineTool<const Name extends string, Input extends ObjectSchema, Output extends ObjectSchema, Context = any>(
  definition: Omit<ToolDefinition<Name, Input, Output, Context>, "kind">,
): ToolDefinition<Name, Input, Output, Context> {
  return { kind: "tool", ...definition };
}

/**
 * Defines a custom method served as `<extension id>/<verb>`.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * const ping = defineMethod({
 *   verb: "ping",
 *   description: "Answers with the server time.",
 *   params: z.object({}),
 *   result: z.object({ time: z.string() }),
 *   handler: () => ({ time: new Date().toISOString() }),
 * });
 * ```
 * @category Extension
 */
export function defineMethod<const Verb extends string, Params extends ObjectSchema, Result extends ObjectSchema, Context = any>(
  definition: Omit<MethodDefinition<Verb, Params, Result, Context>, "kind">,
): MethodDefinition<Verb, Params, Result, Context> {
  return { kind: "method", ...definition };
}

/**
 * Defines a resource or resource template.
 *
 * @example
 * ```ts
 * const policy = defineResource({
 *   name: "policy",
 *   uri: "example://policy",
 *   description: "The effective settings.",
 *   mimeType: "application/json",
 *   read: (uri, _vars, context) => ({ text: JSON.stringify(context.settings) }),
 * });
 * ```
 * @category Extension
 */
export function defineResource<Context = any>(definition: Omit<ResourceDefinition<Context>, "kind">): ResourceDefinition<Context> {
  return { kind: "resource", ...definition };
}

/**
 * Defines a prompt with typed arguments.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * const summary = definePrompt({
 *   name: "summarize",
 *   description: "Summarize a record.",
 *   args: z.object({ id: z.string() }),
 *   render: ({ id }) => `Summarize record ${id}.`,
 * });
 * ```
 * @category Extension
 */
export function definePrompt<Args extends ObjectSchema, Context = any>(
  definition: Omit<PromptDefinition<Args, Context>, "kind">,
): PromptDefinition<Args, Context> {
  return { kind: "prompt", ...definition };
}
