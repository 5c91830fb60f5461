import { SUPPORTED_PROTOCOL_VERSIONS, type McpHttpHandler, type McpServer, type McpServerFactory } from "@modelcontextprotocol/server";
import { VENDOR_PREFIX } from "../extension/id.js";
import { buildAiCatalog, type AiCatalog } from "./ai-catalog.js";

/** Media type of a server card (SEP-2127 draft). */
export const SERVER_CARD_MEDIA_TYPE = "application/mcp-server-card+json";

/** `_meta` key under which a card lists the extensions its server advertises. */
export const CARD_EXTENSIONS_META_KEY = `${VENDOR_PREFIX}/extensions`;

/**
 * Protocol revisions the serving entries answer: 2026-07-28 (per-request, negotiated through
 * `server/discover`) and every 2025-era revision the SDK's `initialize` accepts.
 * @category Server
 */
export const SERVED_PROTOCOL_VERSIONS: readonly string[] = Object.freeze(["2026-07-28", ...SUPPORTED_PROTOCOL_VERSIONS]);

/**
 * Identity of a server for its card and catalog entry.
 * @category Server
 */
export interface ServerIdentity {
  /** Reverse-DNS name, `namespace/name`, e.g. `io.github.mcp-verticals/finance`. */
  name: string;
  title: string;
  version: string;
  /** At most 100 characters. */
  description: string;
  websiteUrl?: string;
  repository?: { url: string; source: string; subfolder?: string };
}

/**
 * A server card in the SEP-2127 draft shape.
 * @category Server
 */
export interface ServerCard extends ServerIdentity {
  $schema: string;
  remotes: { type: "streamable-http"; url: string; supportedProtocolVersions: string[] }[];
  _meta: Record<string, unknown>;
}

/**
 * The extensions (id → advertised settings) a factory's servers advertise, read from a
 * server the factory builds, so the card can never drift from `server/discover`.
 * @category Server
 */
export async function advertisedExtensions(factory: McpServerFactory): Promise<Record<string, unknown>> {
  const server = (await factory({ era: "modern" })) as McpServer | { getCapabilities(): { extensions?: Record<string, unknown> } };
  const capabilities = "server" in server ? server.server.getCapabilities() : server.getCapabilities();
  return { ...(capabilities.extensions ?? {}) };
}

/**
 * Builds the server card for an MCP endpoint.
 *
 * @example
 * ```ts
 * const card = buildServerCard({ name: "com.example/weather", title: "Weather", version: "1.0.0", description: "Forecasts" },
 *   "http://127.0.0.1:3000/mcp", { "com.example/weather": { units: ["metric"] } });
 * ```
 * @category Server
 */
export function buildServerCard(
  identity: ServerIdentity,
  endpoint: string,
  extensions: Record<string, unknown>,
  protocolVersions: readonly string[] = SERVED_PROTOCOL_VERSIONS,
): ServerCard {
  if (identity.description.length > 100) throw new TypeError("A server card description is at most 100 characters.");
  return {
    $schema: "https://static.modelcontextprotocol.io/schemas/v1/server-card.schema.json",
    name: identity.name,
    title: identity.title,
    version: identity.version,
    description: identity.description,
    ...(identity.websiteUrl ? { websiteUrl: identity.websiteUrl } : {}),
    ...(identity.repository ? { repository: identity.repository } : {}),
    remotes: [{ type: "streamable-http", url: endpoint, supportedProtocolVersions: [...protocolVersions] }],
    _meta: { [CARD_EXTENSIONS_META_KEY]: extensions },
  };
}

/**
 * The catalog at `/.well-known/mcp/catalog.json`, now the AI Catalog of the current server-card draft.
 * @deprecated Use {@link buildAiCatalog}; the MCP Catalog draft shape was superseded by the AI Catalog.
 * @category Server
 */
export function buildCatalog(identity: ServerIdentity, cardUrl: string): AiCatalog {
  return buildAiCatalog(identity, cardUrl);
}

/**
 * What an HTTP handler actually answers to `server/discover` (2026-07-28): the card is built from
 * this answer, so card and discover cannot disagree on versions, extensions or server version.
 * @category Server
 */
export interface DiscoveredServer {
  supportedVersions: string[];
  extensions: Record<string, unknown>;
  serverInfo: { name?: string; version?: string; description?: string } | undefined;
}

/**
 * Sends one `server/discover` to a handler in process and reads the answer.
 *
 * @example
 * ```ts
 * const discovered = await discoverServed(createMcpHandler(() => createTemplateServer()));
 * ```
 * @category Server
 */
export async function discoverServed(handler: Pick<McpHttpHandler, "fetch">): Promise<DiscoveredServer> {
  const response = await handler.fetch(
    new Request("http://127.0.0.1/mcp", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2026-07-28", "mcp-method": "server/discover" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 0,
        method: "server/discover",
        params: {
          _meta: {
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientInfo": { name: "mcp-verticals-server-card", version: "0" },
            "io.modelcontextprotocol/clientCapabilities": {},
          },
        },
      }),
    }),
  );
  const text = await response.text();
  const json = text.trimStart().startsWith("{") ? text : (text.split("\n").find((line) => line.startsWith("data:"))?.slice(5) ?? "{}");
  const result = (JSON.parse(json) as { result?: { supportedVersions?: string[]; capabilities?: { extensions?: Record<string, unknown> }; _meta?: Record<string, unknown> } }).result;
  if (!result?.supportedVersions) throw new Error("the server did not answer server/discover");
  return {
    supportedVersions: result.supportedVersions,
    extensions: { ...(result.capabilities?.extensions ?? {}) },
    serverInfo: result._meta?.["io.modelcontextprotocol/serverInfo"] as DiscoveredServer["serverInfo"],
  };
}
