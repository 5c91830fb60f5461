import { McpServer, type McpServerFactory, type ServerContext } from "@modelcontextprotocol/server";
import type { BindingContext } from "../extension/bindings.js";

/**
 * What a binding asks of the negotiated context before it can be called. One rule decides
 * both whether a call is served and whether the binding is listed, so a client is never
 * shown what it cannot call.
 *
 * @example
 * ```ts
 * const requirements: BindingRequirements = { requiresClientExtension: true };
 * ```
 * @category Server
 */
export interface BindingRequirements {
  readonly requiresClientExtension?: boolean;
}

/**
 * Whether a binding can be called in this negotiated context.
 *
 * @example
 * ```ts
 * if (!bindingAvailable(tool, context)) throw missingCapability(extension.id);
 * ```
 * @category Server
 */
export function bindingAvailable(binding: BindingRequirements, context: Pick<BindingContext, "declared">): boolean {
  return binding.requiresClientExtension !== true || context.declared;
}

/** The names a list must leave out for one request, per list method. */
export interface HiddenBindings {
  tools: Set<string>;
  /** Fixed resource URIs. */
  resources: Set<string>;
  /** Resource template URIs. */
  templates: Set<string>;
  prompts: Set<string>;
}

type HiddenFor = (request: ServerContext, hidden: HiddenBindings) => void;
type RawHandler = (request: unknown, context: ServerContext) => Promise<unknown>;

interface FilterState {
  sources: { hiddenFor: HiddenFor; evenWhenListingAll: boolean }[];
  listAll: boolean;
  installed: Set<string>;
}

const filters = new WeakMap<McpServer, FilterState>();

const LISTS = {
  "tools/list": { key: "tools", hide: "tools", id: (item: Record<string, unknown>) => item.name },
  "resources/list": { key: "resources", hide: "resources", id: (item: Record<string, unknown>) => item.uri },
  "resources/templates/list": { key: "resourceTemplates", hide: "templates", id: (item: Record<string, unknown>) => item.uriTemplate },
  "prompts/list": { key: "prompts", hide: "prompts", id: (item: Record<string, unknown>) => item.name },
} as const;

function stateOf(server: McpServer): FilterState {
  let state = filters.get(server);
  if (!state) {
    state = { sources: [], listAll: false, installed: new Set() };
    filters.set(server, state);
  }
  return state;
}

/**
 * Makes the server's `tools/list`, `resources/list`, `resources/templates/list` and
 * `prompts/list` leave out, per request, the bindings `hiddenFor` names. Call after the
 * bindings are registered (the SDK installs its list handlers on first registration).
 * `evenWhenListingAll` keeps the rule under {@link listAllBindings}: for bindings no client can call
 * (a toolset the operator did not select), not just this one.
 */
export function filterListsFor(server: McpServer, hiddenFor: HiddenFor, options: { evenWhenListingAll?: boolean } = {}): void {
  const state = stateOf(server);
  state.sources.push({ hiddenFor, evenWhenListingAll: options.evenWhenListingAll === true });
  const protocol = server.server as unknown as { _getRequestHandler(method: string): RawHandler | undefined };
  for (const [method, list] of Object.entries(LISTS)) {
    if (state.installed.has(method)) continue;
    const previous = protocol._getRequestHandler(method);
    if (!previous) continue;
    state.installed.add(method);
    server.server.removeRequestHandler(method);
    server.server.setRequestHandler(method as "tools/list", async (request, context) => {
      const result = (await previous({ jsonrpc: "2.0", id: context.mcpReq.id, ...request }, context)) as Record<string, unknown>;
      const hidden: HiddenBindings = { tools: new Set(), resources: new Set(), templates: new Set(), prompts: new Set() };
      for (const source of state.sources) if (!state.listAll || source.evenWhenListingAll) source.hiddenFor(context, hidden);
      const names = hidden[list.hide];
      const items = result[list.key];
      if (names.size === 0 || !Array.isArray(items)) return result as never;
      return { ...result, [list.key]: items.filter((item: Record<string, unknown>) => !names.has(list.id(item) as string)) } as never;
    });
  }
}

/**
 * Lists every binding whatever the client negotiated (for debugging with generic
 * inspectors). Calls stay gated: a listed binding the client cannot use still answers
 * `-32021`.
 *
 * @example
 * ```ts
 * const server = createFinanceServer();
 * listAllBindings(server);
 * ```
 * @category Server
 */
export function listAllBindings(server: McpServer): void {
  stateOf(server).listAll = true;
}

/**
 * Wraps a server factory so every server it builds lists all bindings (see {@link listAllBindings}).
 *
 * @example
 * ```ts
 * const debugFactory = listingEverything(() => createTemplateServer());
 * ```
 * @category Server
 */
export function listingEverything(factory: McpServerFactory): McpServerFactory {
  return async (context) => {
    const server = await factory(context);
    if (server instanceof McpServer) listAllBindings(server);
    return server;
  };
}
