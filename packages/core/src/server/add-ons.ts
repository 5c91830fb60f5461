/**
 * Server add-ons: modules an operator names with `--add-on <module>[#export]` that compose more
 * bindings (tools, resources, prompts, whole extensions) onto every server instance a reference
 * server creates, next to the vertical's own extension. One use is an organization's own tools
 * beside a vertical; another is the diagnostics fixture the official MCP conformance suite calls
 * (`@mcp-verticals/core/testing#conformanceFixture`).
 *
 * An add-on runs with the operator's trust, like the command line that names it.
 */
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { McpServer, type McpServerFactory, type ServerNotifier } from "@modelcontextprotocol/server";
import type { StateStore } from "../state/state-store.js";

/**
 * What an add-on is handed once, at start-up.
 * @category Server
 */
export interface ServerAddOnContext {
  /** The command serving, e.g. `mcp-finance`. */
  command: string;
  /** The shared state the command opened (`--state`, `--postgres`, `DATABASE_URL`); hand it to `attachExtension(..., { state })`. */
  state: StateStore;
  transport: "stdio" | "http";
  env: NodeJS.ProcessEnv;
  /**
   * Publishes list changes to open `subscriptions/listen` streams once serving HTTP (each request
   * runs on a fresh instance there). Under stdio it does nothing: the connection's own instance
   * announces the changes made on it.
   */
  notify: ServerNotifier;
}

/**
 * A `ServerNotifier` that forwards to the one set later (the HTTP handler's), and does nothing until then.
 * @example
 * ```ts
 * const notify = forwardingNotifier();
 * notify.target = running.notify;
 * ```
 * @category Server
 */
export function forwardingNotifier(): ServerNotifier & { target?: ServerNotifier } {
  const forwarding: ServerNotifier & { target?: ServerNotifier } = {
    toolsChanged: () => forwarding.target?.toolsChanged(),
    promptsChanged: () => forwarding.target?.promptsChanged(),
    resourcesChanged: () => forwarding.target?.resourcesChanged(),
    resourceUpdated: (uri) => forwarding.target?.resourceUpdated(uri),
  };
  return forwarding;
}

/**
 * Decorates one server instance (called for every instance, after the vertical built it).
 * @category Server
 */
export type ServerAddOnDecorator = (server: McpServer) => void;

/**
 * The export an `--add-on` module provides: set up once, then decorate each server instance.
 *
 * @example
 * ```ts
 * // my-add-on.ts, served with `mcp-finance --add-on ./dist/my-add-on.js`
 * const addOn: ServerAddOn = ({ state }) => (server) => {
 *   attachExtension(server, myExtension, { settings: {}, services: {}, state });
 * };
 * export default addOn;
 * ```
 * @category Server
 */
export type ServerAddOn = (context: ServerAddOnContext) => ServerAddOnDecorator | Promise<ServerAddOnDecorator>;

/**
 * An add-on that could not be loaded (missing module, missing export, not a function).
 * @category Server
 */
export class ServerAddOnError extends Error {
  override readonly name = "ServerAddOnError";
}

/** `./x.js` and absolute paths are files (from `cwd`); anything else is a package specifier. */
function moduleUrl(specifier: string, cwd: string): string {
  if (specifier.startsWith(".") || isAbsolute(specifier)) return pathToFileURL(resolve(cwd, specifier)).href;
  return specifier;
}

/**
 * Loads the add-on `<module>[#export]` (default export when no `#export` is given) and sets it up.
 * A path starting with `.` is resolved from `cwd`; a package name resolves like an import from
 * `@mcp-verticals/core`, so it shares core's module instances with the vertical.
 *
 * @example
 * ```ts
 * const decorate = await loadServerAddOn("@mcp-verticals/core/testing#conformanceFixture", { command: "mcp-template", state, transport: "http", env: process.env, notify: forwardingNotifier() });
 * ```
 * @category Server
 */
export async function loadServerAddOn(reference: string, context: ServerAddOnContext, cwd: string = process.cwd()): Promise<ServerAddOnDecorator> {
  const hash = reference.lastIndexOf("#");
  const specifier = hash >= 0 ? reference.slice(0, hash) : reference;
  const exportName = hash >= 0 ? reference.slice(hash + 1) : "default";
  if (!specifier || !exportName) throw new ServerAddOnError(`--add-on expects <module>[#export], got ${JSON.stringify(reference)}`);
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(moduleUrl(specifier, cwd))) as Record<string, unknown>;
  } catch (error) {
    throw new ServerAddOnError(`--add-on ${specifier}: the module could not be loaded (${(error as Error).message})`);
  }
  const addOn = loaded[exportName];
  if (typeof addOn !== "function") {
    throw new ServerAddOnError(`--add-on ${reference}: the module has no ${exportName === "default" ? "default export" : `export ${exportName}`} that is a ServerAddOn function`);
  }
  const decorate = await (addOn as ServerAddOn)(context);
  if (typeof decorate !== "function") throw new ServerAddOnError(`--add-on ${reference}: the add-on returned no decorator function`);
  return decorate;
}

/**
 * Wraps a server factory so every instance it creates is decorated by the add-ons, in order.
 *
 * @example
 * ```ts
 * const factory = withServerAddOns(() => createTemplateServer(), [decorate]);
 * ```
 * @category Server
 */
export function withServerAddOns(factory: McpServerFactory, decorators: readonly ServerAddOnDecorator[]): McpServerFactory {
  if (decorators.length === 0) return factory;
  return async (context) => {
    const server = await factory(context);
    if (!(server instanceof McpServer)) throw new ServerAddOnError("add-ons need a server factory that returns an McpServer");
    for (const decorate of decorators) decorate(server);
    return server;
  };
}
