import { Client, StreamableHTTPClientTransport, type ClientCapabilities } from "@modelcontextprotocol/client";
import type { ProtocolEra } from "../extension/bindings.js";
import { createTaskClient, type TaskClient } from "../client/task-client.js";
import { TASKS_EXTENSION_ID } from "../tasks/task-types.js";
import { MODERN_PROTOCOL_VERSION } from "./connect.js";

/**
 * Options for {@link connectHttp}.
 *
 * @example
 * ```ts
 * const options: ConnectHttpOptions = { era: "legacy", extensions: { "io.github.mcp-verticals/finance": {} } };
 * ```
 * @category Testing
 */
export interface ConnectHttpOptions {
  /** `legacy`: 2025 `initialize` (a signed session id on every later request); `modern`: pinned to 2026-07-28. */
  era: ProtocolEra;
  /** Extensions the client declares, keyed by id, with their settings. */
  extensions?: Record<string, Record<string, unknown>>;
  /** Declare `io.modelcontextprotocol/tasks` too (default true). */
  tasks?: boolean;
  /** Other client capabilities to declare. */
  capabilities?: Omit<ClientCapabilities, "extensions">;
  /** Headers sent with every request (e.g. `authorization`). */
  headers?: Record<string, string>;
}

/**
 * An official client connected over Streamable HTTP, whose requests can be moved to another
 * server process on the same store mid-conversation.
 *
 * @example
 * ```ts
 * const connection: HttpConnection = await connectHttp(a.url, { era: "legacy" });
 * connection.retarget(b.url); // the 2025 session id signed by A now goes to B
 * ```
 * @category Testing
 */
export interface HttpConnection {
  readonly client: Client;
  /** The task operations of {@link HttpConnection.client}. */
  readonly tasks: TaskClient;
  /** Sends every later request to this endpoint instead (a 2025 client keeps its session id). */
  retarget(url: string): void;
  /** The endpoint requests go to now. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Connects the official client to a server process over HTTP in either era. In the 2025
 * era the client initializes once and then carries the server's signed session id, so
 * {@link HttpConnection.retarget} proves that another replica accepts that session.
 *
 * @example
 * ```ts
 * const { tasks, retarget } = await connectHttp(a.url, { era: "modern", extensions: { [FINANCE_EXTENSION_ID]: {} } });
 * const outcome = await tasks.callTool("finance_import_statement", args);
 * retarget(b.url);
 * ```
 * @category Testing
 */
export async function connectHttp(url: string, options: ConnectHttpOptions): Promise<HttpConnection> {
  let target = new URL(url);
  const extensions: Record<string, unknown> = { ...options.extensions };
  if (options.tasks !== false) extensions[TASKS_EXTENSION_ID] = {};
  const client = new Client(
    { name: "mcp-verticals-test-client", version: "0.0.0" },
    {
      capabilities: { ...options.capabilities, extensions: extensions as never },
      versionNegotiation: { mode: options.era === "modern" ? { pin: MODERN_PROTOCOL_VERSION } : "legacy" },
    },
  );
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    ...(options.headers ? { requestInit: { headers: options.headers } } : {}),
    fetch: (input, init) => {
      const requested = new URL(input instanceof Request ? input.url : String(input));
      const moved = new URL(requested.pathname + requested.search, target);
      return fetch(moved, init);
    },
  });
  await client.connect(transport);
  return {
    client,
    tasks: createTaskClient(client),
    retarget: (next) => {
      target = new URL(next);
    },
    get url() {
      return target.href;
    },
    close: () => client.close(),
  };
}
