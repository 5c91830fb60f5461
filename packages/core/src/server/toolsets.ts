import { McpServer, type McpServerFactory } from "@modelcontextprotocol/server";
import type { AnyExtension } from "../extension/define.js";
import { ExtensionError } from "../errors.js";

/**
 * Error code of a call to a tool (or a `prompts/get`, a resource read) whose toolset the
 * operator did not select; `data.toolset` names the toolset that would enable it.
 * @category Server
 */
export const TOOLSET_NOT_ENABLED = "TOOLSET_NOT_ENABLED";

/** Selection words with a meaning of their own: every toolset, the defaults, none beyond untagged tools. */
const ALL = "all";
const DEFAULT = "default";
const NONE = "none";

interface AttachedToolsets {
  extension: AnyExtension;
  /** What `capabilities.extensions[id]` carried before toolsets were added. */
  advertised: Record<string, unknown>;
  active: ReadonlySet<string>;
}

/** A binding that may join a toolset (a tool, prompt or resource), and how a refusal names it. */
interface ToolsetMember {
  readonly toolset?: string;
}

/** Per server: the extensions with toolsets attached to it, by id. */
const attached = new WeakMap<McpServer, Map<string, AttachedToolsets>>();

/**
 * Parses an operator's selection (`--toolsets read,import`, `MCP_TOOLSETS`) into names: comma
 * or whitespace separated, empty entries dropped.
 *
 * @example
 * ```ts
 * parseToolsetSelection("read, import"); // ["read", "import"]
 * ```
 * @category Server
 */
export function parseToolsetSelection(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}

/**
 * The toolsets of one extension a selection turns on: `undefined` selects the extension's
 * defaults; `all`, `default` and `none` may be combined with names (`default,payments`).
 * Names the extension does not declare are ignored here; {@link selectToolsets} refuses
 * names no attached extension declares.
 *
 * @example
 * ```ts
 * const active = activeToolsets(financeExtension, ["default", "payments"]);
 * ```
 * @category Server
 */
export function activeToolsets(extension: AnyExtension, selection: readonly string[] | undefined): Set<string> {
  const declared = Object.entries(extension.toolsets);
  const defaults = declared.filter(([, toolset]) => toolset.default === true).map(([name]) => name);
  if (selection === undefined) return new Set(defaults);
  const active = new Set<string>();
  for (const name of selection) {
    if (name === ALL) for (const [declaredName] of declared) active.add(declaredName);
    else if (name === DEFAULT) for (const defaultName of defaults) active.add(defaultName);
    else if (name !== NONE && Object.hasOwn(extension.toolsets, name)) active.add(name);
  }
  return active;
}

/** Throws a `TypeError` naming the selected toolsets none of `extensions` declares. */
function assertKnown(selection: readonly string[], extensions: readonly AnyExtension[]): void {
  const known = new Set(extensions.flatMap((extension) => Object.keys(extension.toolsets)));
  const unknown = selection.filter((name) => name !== ALL && name !== DEFAULT && name !== NONE && !known.has(name));
  if (unknown.length === 0) return;
  const offered = known.size === 0 ? "this server declares no toolsets" : `known toolsets: ${[...known].join(", ")}`;
  throw new TypeError(`Unknown toolset${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} (${offered}; also all, default, none).`);
}

function publish(server: McpServer, entry: AttachedToolsets): void {
  // The active toolsets ride the extension's advertised settings, so `server/discover`,
  // `initialize` and the server card (built from discover) all say what is served.
  server.server.registerCapabilities({ extensions: { [entry.extension.id]: { ...entry.advertised, toolsets: [...entry.active] } } });
}

/**
 * Records an extension's toolsets on a server at attach time and advertises the active ones.
 * Returns the check the extension's lists and calls consult per request: the refusal for a
 * tool, prompt or resource (named by `label`) outside the active toolsets, `undefined` for a served one.
 */
export function attachToolsets(
  server: McpServer,
  extension: AnyExtension,
  advertised: Record<string, unknown>,
  selection: readonly string[] | undefined,
): (binding: ToolsetMember, label: string) => ExtensionError | undefined {
  if (Object.keys(extension.toolsets).length === 0) return () => undefined;
  if (selection !== undefined) assertKnown(selection, [extension]);
  let table = attached.get(server);
  if (!table) {
    table = new Map();
    attached.set(server, table);
  }
  const entry: AttachedToolsets = { extension, advertised, active: activeToolsets(extension, selection) };
  table.set(extension.id, entry);
  publish(server, entry);
  // Read at request time: the operator's selection may be applied after attach (see selectToolsets).
  return (binding, label) =>
    binding.toolset === undefined || entry.active.has(binding.toolset) ? undefined : toolsetNotEnabled(label, binding.toolset, entry.active);
}

/**
 * Serves only the selected toolsets of every extension attached to `server` (replacing what
 * the `toolsets` attach option chose). Call before the server connects. Throws a `TypeError`
 * for a name no attached extension declares.
 *
 * @example
 * ```ts
 * const server = createFinanceServer();
 * selectToolsets(server, ["read", "import"]);
 * ```
 * @category Server
 */
export function selectToolsets(server: McpServer, selection: readonly string[]): void {
  const table = attached.get(server);
  const entries = [...(table?.values() ?? [])];
  assertKnown(selection, entries.map((entry) => entry.extension));
  for (const entry of entries) {
    entry.active = activeToolsets(entry.extension, selection);
    publish(server, entry);
  }
}

/**
 * Wraps a server factory so every server it builds serves only the selected toolsets
 * (see {@link selectToolsets}); the bins' `--toolsets` flag and `MCP_TOOLSETS` use it.
 *
 * @example
 * ```ts
 * const factory = selectingToolsets(() => createTemplateServer(), ["glossary"]);
 * ```
 * @category Server
 */
export function selectingToolsets(factory: McpServerFactory, selection: readonly string[]): McpServerFactory {
  return async (context) => {
    const server = await factory(context);
    if (server instanceof McpServer) selectToolsets(server, selection);
    return server;
  };
}

/**
 * The typed refusal of a binding outside the active toolsets: it names the toolset and how an
 * operator enables it, since the caller (often a model) cannot enable it itself.
 */
function toolsetNotEnabled(label: string, toolset: string, active: ReadonlySet<string>): ExtensionError {
  const selection = [...active, toolset].join(",");
  return new ExtensionError(
    TOOLSET_NOT_ENABLED,
    `${label} belongs to the toolset "${toolset}", which this server does not serve; the server operator enables it with --toolsets ${selection} (or MCP_TOOLSETS=${selection}, or the toolsets server option).`,
    { data: { toolset } },
  );
}
