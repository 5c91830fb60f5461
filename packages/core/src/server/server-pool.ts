/**
 * Reuse of built servers for 2026-07-28 requests.
 *
 * The stateless entry (`createMcpHandler`) asks its factory for a server on every request. In
 * the 2026-07-28 era nothing about a server depends on the request: the client's declarations,
 * the caller, `_meta`, the abort signal and the progress token all reach handlers through the
 * request context, and core resolves negotiation per request. Building and attaching a server
 * per call is then pure overhead (most of a small call's CPU), so idle servers are kept and
 * handed to the next request once their exchange is over.
 *
 * What keeps requests apart on a reused server:
 * - a pooled server is built from a context carrying the era only (no `authInfo`, no request),
 *   so nothing of one request can be baked into it;
 * - a server serves one exchange at a time (the SDK refuses a connected one), concurrent
 *   requests get different servers;
 * - the connection-scoped fields the SDK seeds per request (client capabilities, client info,
 *   negotiated version) are cleared before each reuse;
 * - a server whose exchange closed while one of its request handlers was still running
 *   (an aborted request) is dropped, never reused, so a late notification of that handler
 *   cannot reach another request's stream.
 * 2025-era requests keep a fresh server each: their connection state comes from `initialize`.
 */
import { McpServer, type McpServerFactory, type McpRequestContext } from "@modelcontextprotocol/server";

/**
 * Options for {@link reusingServers}.
 * @category Server
 */
export interface ServerReuseOptions {
  /** Most idle servers kept for reuse (default 16); a burst beyond builds servers that are then dropped. */
  maxIdle?: number;
}

/**
 * A server factory that reuses idle servers for 2026-07-28 requests.
 * @category Server
 */
export interface ReusingFactory {
  /** The factory to hand to `createMcpHandler` or {@link createSessionHandler}. */
  (context: McpRequestContext): Promise<McpServer | McpServer["server"]>;
  /** Servers built since creation (for diagnostics and tests). */
  readonly built: () => number;
  /** Servers idle right now. */
  readonly idle: () => number;
  /** Forgets every idle server. */
  readonly clear: () => void;
}

/** The SDK's connection-scoped fields on `Server` (private in its typings). */
interface ConnectionState {
  _clientCapabilities?: unknown;
  _clientVersion?: unknown;
  _negotiatedProtocolVersion?: unknown;
  onclose?: () => void;
  transport?: unknown;
  _requestHandlers: Map<string, (...args: unknown[]) => unknown>;
}

interface Pooled {
  product: McpServer | McpServer["server"];
  protocol: ConnectionState;
  /** Request handlers of the current exchange still running. */
  active: number;
}

const DEFAULT_MAX_IDLE = 16;

/**
 * Wraps a server factory so 2026-07-28 requests reuse idle servers instead of building one
 * per request; 2025-era requests still get a fresh server. The factory must build the same
 * server whatever the request: pooled servers are built with `{ era: "modern" }` only, and
 * per-request data (caller, client declarations, `_meta`, abort signal, progress token)
 * reaches handlers through their request context.
 *
 * @example
 * ```ts
 * const handler = createMcpHandler(reusingServers(() => createTemplateServer()));
 * ```
 * @category Server
 */
export function reusingServers(factory: McpServerFactory, options: ServerReuseOptions = {}): ReusingFactory {
  const maxIdle = options.maxIdle ?? DEFAULT_MAX_IDLE;
  if (!Number.isInteger(maxIdle) || maxIdle < 0) throw new RangeError("maxIdle must be a non-negative integer");
  const idle: Pooled[] = [];
  let built = 0;

  const build = async (): Promise<Pooled> => {
    const product = await factory({ era: "modern" });
    built += 1;
    const protocol = (product instanceof McpServer ? product.server : product) as unknown as ConnectionState;
    const entry: Pooled = { product, protocol, active: 0 };
    trackHandlers(entry);
    return entry;
  };

  const checkout = async (): Promise<Pooled> => {
    for (;;) {
      const entry = idle.pop();
      if (!entry) return build();
      if (entry.protocol.transport === undefined && entry.active === 0) return entry;
    }
  };

  const pooled = async (context: McpRequestContext) => {
    if (context.era !== "modern") return factory(context);
    const entry = await checkout();
    const { protocol } = entry;
    // Nothing the previous request seeded survives; the entry seeds this request's own.
    protocol._clientCapabilities = undefined;
    protocol._clientVersion = undefined;
    protocol._negotiatedProtocolVersion = undefined;
    // The entry chains its own exchange hook in front of this one and restores it afterwards.
    protocol.onclose = () => {
      protocol.onclose = undefined;
      if (entry.active === 0 && idle.length < maxIdle) idle.push(entry);
    };
    return entry.product;
  };
  return Object.assign(pooled, {
    built: () => built,
    idle: () => idle.length,
    clear: () => void idle.splice(0),
  });
}

/**
 * Counts the request handlers running on a pooled server. The SDK looks handlers up in its map
 * per request, so wrapping `get` covers handlers installed later (`server/discover`) too.
 */
function trackHandlers(entry: Pooled): void {
  const handlers = entry.protocol._requestHandlers;
  const get = handlers.get.bind(handlers);
  handlers.get = (method: string) => {
    const handler = get(method);
    if (handler === undefined) return undefined;
    return (...args: unknown[]) => {
      entry.active += 1;
      let settled = false;
      const done = () => {
        if (settled) return;
        settled = true;
        entry.active -= 1;
      };
      try {
        const result = handler(...args);
        if (result !== null && typeof result === "object" && typeof (result as Promise<unknown>).then === "function") {
          (result as Promise<unknown>).then(done, done);
        } else done();
        return result;
      } catch (error) {
        done();
        throw error;
      }
    };
  };
}
