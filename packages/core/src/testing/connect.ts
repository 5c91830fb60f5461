import { Client, InMemoryTransport, StreamableHTTPClientTransport, type ClientCapabilities } from "@modelcontextprotocol/client";
import type { McpServerFactory } from "@modelcontextprotocol/server";
import { createSessionHandler } from "../server/legacy-sessions.js";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import type { ProtocolEra } from "../extension/bindings.js";

/** The 2026-07-28 protocol revision: capabilities on every request, `server/discover`. */
export const MODERN_PROTOCOL_VERSION = "2026-07-28";

/**
 * Options for {@link connectInProcess}.
 * @category Testing
 */
export interface ConnectInProcessOptions {
  /** `legacy`: 2025 `initialize`; `modern`: pinned to 2026-07-28. */
  era: ProtocolEra;
  /** Extensions the client declares, keyed by id, with their settings. */
  extensions?: Record<string, Record<string, unknown>>;
  /** Other client capabilities to declare (e.g. `elicitation`). */
  capabilities?: Omit<ClientCapabilities, "extensions">;
  /** `memory` (the stdio serving entry over linked in-memory transports) or `http` (the stateless HTTP handler `serveHttp` uses, in process). */
  transport?: "memory" | "http";
}

/**
 * A connected official MCP client and the way to tear everything down.
 * @category Testing
 */
export interface InProcessConnection {
  readonly client: Client;
  close(): Promise<void>;
}

/**
 * Connects the official MCP client to a server factory in this process, in either era,
 * through the same serving entries production uses (`serveStdio` or `createMcpHandler`).
 *
 * @example
 * ```ts
 * const { client, close } = await connectInProcess(() => createTemplateServer(), {
 *   era: "modern",
 *   extensions: { "io.github.mcp-verticals/template": {} },
 * });
 * await client.listTools();
 * await close();
 * ```
 * @category Testing
 */
export async function connectInProcess(factory: McpServerFactory, options: ConnectInProcessOptions): Promise<InProcessConnection> {
  const client = new Client(
    { name: "mcp-verticals-test-client", version: "0.0.0" },
    {
      capabilities: { ...options.capabilities, ...(options.extensions ? { extensions: options.extensions as never } : {}) },
      versionNegotiation: { mode: options.era === "modern" ? { pin: MODERN_PROTOCOL_VERSION } : "legacy" },
    },
  );
  if ((options.transport ?? "memory") === "http") {
    const handler = createSessionHandler(factory);
    const transport = new StreamableHTTPClientTransport(new URL("http://127.0.0.1/mcp"), {
      fetch: (url, init) => handler.fetch(new Request(url, init)),
    });
    await client.connect(transport);
    return {
      client,
      close: async () => {
        await client.close();
        await handler.close();
      },
    };
  }
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const served = serveStdio(factory, { transport: serverSide });
  await client.connect(clientSide);
  return {
    client,
    close: async () => {
      await client.close();
      await served.close();
    },
  };
}
