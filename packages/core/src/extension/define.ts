import { z } from "zod";
import { assertExtensionId } from "./id.js";
import { compareVersions } from "./versions.js";
import type {
  MethodDefinition,
  ObjectSchema,
  PromptDefinition,
  ResourceDefinition,
  ToolDefinition,
} from "./bindings.js";

/**
 * What `negotiate` receives: the server's settings, the client's validated settings
 * (`undefined` when the client did not negotiate the extension) and the agreed version.
 * @category Extension
 */
export interface NegotiationInput<ServerSettings, ClientSettings> {
  readonly server: ServerSettings;
  readonly client: ClientSettings | undefined;
  readonly version: string | undefined;
}

/**
 * Everything that makes up an extension: identity, settings contract, negotiation and bindings.
 * @category Extension
 */
export interface ExtensionSpec<
  Id extends string,
  ServerSchema extends ObjectSchema,
  ClientSchema extends ObjectSchema,
  Effective,
  Tools extends readonly ToolDefinition<string, any, any, any>[],
  Methods extends readonly MethodDefinition<string, any, any, any>[],
> {
  /** SEP-2133 id, e.g. `io.github.mcp-verticals/finance`. */
  readonly id: Id;
  /** Human title for docs and cards. */
  readonly title: string;
  /** One or two sentences for docs, cards and registries. */
  readonly description: string;
  /** Versions of the extension this implementation speaks, any order. */
  readonly versions: readonly string[];
  /** Settings the server advertises under `capabilities.extensions[id]`. */
  readonly serverSettings: ServerSchema;
  /** Settings a client declares under `capabilities.extensions[id]`; prefer `z.strictObject` so typos are refused. */
  readonly clientSettings: ClientSchema;
  /**
   * Combines both sides into the effective settings. Called with `client: undefined`
   * for a client that did not negotiate: return the documented (safest) fallback.
   */
  readonly negotiate: (input: NegotiationInput<z.output<ServerSchema>, z.output<ClientSchema>>) => Effective;
  /**
   * Named groups of tools an operator turns on or off (`--toolsets`, `MCP_TOOLSETS`, the
   * `toolsets` attach option), so a deployment lists only what it needs. A tool, prompt or
   * resource joins one with its `toolset`; the ones marked `default` are served when the operator selects none.
   */
  readonly toolsets?: Readonly<Record<string, ToolsetDeclaration>>;
  readonly tools?: Tools;
  readonly methods?: Methods;
  readonly resources?: readonly ResourceDefinition<any>[];
  readonly prompts?: readonly PromptDefinition<any, any>[];
}

/**
 * One toolset of an extension: what it groups, and whether it is served by default.
 *
 * @example
 * ```ts
 * const payments: ToolsetDeclaration = { description: "Initiate and approve payments.", default: false };
 * ```
 * @category Extension
 */
export interface ToolsetDeclaration {
  /** One line for `--help`, docs and cards. */
  readonly description: string;
  /** Served when the operator selects no toolsets (default false). */
  readonly default?: boolean;
}

/**
 * A validated extension definition.
 * @category Extension
 */
export interface ExtensionDefinition<
  Id extends string = string,
  ServerSchema extends ObjectSchema = ObjectSchema,
  ClientSchema extends ObjectSchema = ObjectSchema,
  Effective = unknown,
  Tools extends readonly ToolDefinition<string, any, any, any>[] = readonly ToolDefinition<string, any, any, any>[],
  Methods extends readonly MethodDefinition<string, any, any, any>[] = readonly MethodDefinition<string, any, any, any>[],
> extends ExtensionSpec<Id, ServerSchema, ClientSchema, Effective, Tools, Methods> {
  readonly tools: Tools;
  readonly methods: Methods;
  readonly resources: readonly ResourceDefinition<any>[];
  readonly prompts: readonly PromptDefinition<any, any>[];
  readonly toolsets: Readonly<Record<string, ToolsetDeclaration>>;
  /** The newest version in `versions`. */
  readonly latestVersion: string;
  /** Full JSON-RPC method name of a verb: `<id>/<verb>`. */
  methodName(verb: Methods[number]["verb"]): string;
}

/** Any extension definition, whatever its type parameters. */
export type AnyExtension = ExtensionDefinition<string, ObjectSchema, ObjectSchema, any, readonly ToolDefinition<string, any, any, any>[], readonly MethodDefinition<string, any, any, any>[]>;

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const VERB = /^[a-z][a-zA-Z0-9_/-]*$/;
const TOOLSET_NAME = /^[a-z][a-z0-9-]{0,39}$/;
/** Words the selection syntax gives a meaning of its own (`--toolsets default,payments`). */
const RESERVED_TOOLSETS = new Set(["all", "default", "none"]);

/**
 * Defines an extension and validates it at once: the id grammar and reserved prefixes,
 * duplicate names, non-empty descriptions and versions, and that every schema converts
 * to JSON Schema. A bad definition throws a `TypeError` naming what is wrong, at import
 * time rather than at first call.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * const weather = defineExtension({
 *   id: "com.example/weather",
 *   title: "Weather",
 *   description: "Forecasts with units negotiated per client.",
 *   versions: ["1.0"],
 *   serverSettings: z.object({ units: z.array(z.enum(["metric", "imperial"])).default(["metric"]) }),
 *   clientSettings: z.strictObject({ units: z.enum(["metric", "imperial"]).optional() }),
 *   negotiate: ({ server, client }) => ({ units: client?.units ?? server.units[0] ?? "metric" }),
 * });
 * ```
 * @category Extension
 */
export function defineExtension<
  const Id extends string,
  ServerSchema extends ObjectSchema,
  ClientSchema extends ObjectSchema,
  Effective,
  const Tools extends readonly ToolDefinition<string, any, any, any>[] = [],
  const Methods extends readonly MethodDefinition<string, any, any, any>[] = [],
>(spec: ExtensionSpec<Id, ServerSchema, ClientSchema, Effective, Tools, Methods>): ExtensionDefinition<Id, ServerSchema, ClientSchema, Effective, Tools, Methods> {
  assertExtensionId(spec.id);
  const where = `extension ${spec.id}`;
  if (!spec.title.trim() || !spec.description.trim()) throw new TypeError(`${where}: title and description are required.`);
  if (spec.versions.length === 0) throw new TypeError(`${where}: list at least one version.`);
  assertUnique(where, "version", spec.versions);
  assertConvertible(`${where} serverSettings`, spec.serverSettings, "output");
  assertConvertible(`${where} clientSettings`, spec.clientSettings, "input");

  const tools = (spec.tools ?? []) as unknown as Tools;
  const methods = (spec.methods ?? []) as unknown as Methods;
  const resources = spec.resources ?? [];
  const prompts = spec.prompts ?? [];
  const toolsets = spec.toolsets ?? {};
  for (const [name, toolset] of Object.entries(toolsets)) {
    if (!TOOLSET_NAME.test(name) || RESERVED_TOOLSETS.has(name)) {
      throw new TypeError(`${where}: toolset name "${name}" must match ${TOOLSET_NAME} and not be all, default or none.`);
    }
    if (!toolset.description.trim()) throw new TypeError(`${where}: toolset ${name} needs a description.`);
  }

  assertUnique(where, "tool name", tools.map((tool) => tool.name));
  for (const tool of tools) {
    if (!TOOL_NAME.test(tool.name)) throw new TypeError(`${where}: tool name "${tool.name}" must match ${TOOL_NAME}.`);
    if (!tool.description.trim()) throw new TypeError(`${where}: tool ${tool.name} needs a description.`);
    assertDeclaredToolset(where, `tool ${tool.name}`, tool.toolset, toolsets);
    assertConvertible(`${where} tool ${tool.name} input`, tool.input, "input");
    assertConvertible(`${where} tool ${tool.name} output`, tool.output, "output");
  }
  assertUnique(where, "method verb", methods.map((method) => method.verb));
  for (const method of methods) {
    if (!VERB.test(method.verb)) throw new TypeError(`${where}: method verb "${method.verb}" must match ${VERB}.`);
    assertConvertible(`${where} method ${method.verb} params`, method.params, "input");
    assertConvertible(`${where} method ${method.verb} result`, method.result, "output");
  }
  assertUnique(where, "resource name", resources.map((resource) => resource.name));
  assertUnique(where, "resource uri", resources.map((resource) => resource.uri));
  for (const resource of resources) assertDeclaredToolset(where, `resource ${resource.uri}`, resource.toolset, toolsets);
  assertUnique(where, "prompt name", prompts.map((prompt) => prompt.name));
  for (const prompt of prompts) {
    assertDeclaredToolset(where, `prompt ${prompt.name}`, prompt.toolset, toolsets);
    assertConvertible(`${where} prompt ${prompt.name} args`, prompt.args, "input");
  }

  const latestVersion = [...spec.versions].sort(compareVersions).at(-1)!;
  return Object.freeze({
    ...spec,
    tools,
    methods,
    resources,
    prompts,
    toolsets,
    latestVersion,
    methodName: (verb: string) => `${spec.id}/${verb}`,
  });
}

/** A tool, prompt or resource may only join a toolset the extension declares. */
function assertDeclaredToolset(where: string, what: string, toolset: string | undefined, toolsets: Readonly<Record<string, ToolsetDeclaration>>): void {
  if (toolset !== undefined && !Object.hasOwn(toolsets, toolset)) {
    throw new TypeError(`${where}: ${what} names toolset "${toolset}", which the extension does not declare in toolsets.`);
  }
}

function assertUnique(where: string, what: string, values: readonly string[]): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) throw new TypeError(`${where}: duplicate ${what} "${value}".`);
    seen.add(value);
  }
}

function assertConvertible(where: string, schema: z.ZodType, io: "input" | "output"): void {
  try {
    z.toJSONSchema(schema, { io, unrepresentable: "throw" });
  } catch (error) {
    throw new TypeError(`${where}: schema cannot be expressed as JSON Schema (${(error as Error).message}).`);
  }
}
