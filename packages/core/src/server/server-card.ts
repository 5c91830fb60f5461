import type { McpServer, McpServerFactory } from "@modelcontextprotocol/server";
import { VENDOR_PREFIX } from "../extension/id.js";

/** Media type of a server card (SEP-2127 draft). */
export const SERVER_CARD_MEDIA_TYPE = "application/mcp-server-card+json";

/** `_meta` key under which a card lists the extensions its server advertises. */
export const CARD_EXTENSIONS_META_KEY = `${VENDOR_PREFIX}/extensions`;

/** Protocol revisions the serving entries answer. */
export const SERVED_PROTOCOL_VERSIONS = ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"] as const;

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
export function buildServerCard(identity: ServerIdentity, endpoint: string, extensions: Record<string, unknown>): ServerCard {
  if (identity.description.length > 100) throw new TypeError("A server card description is at most 100 characters.");
  return {
    $schema: "https://static.modelcontextprotocol.io/schemas/v1/server-card.schema.json",
    name: identity.name,
    title: identity.title,
    version: identity.version,
    description: identity.description,
    ...(identity.websiteUrl ? { websiteUrl: identity.websiteUrl } : {}),
    ...(identity.repository ? { repository: identity.repository } : {}),
    remotes: [{ type: "streamable-http", url: endpoint, supportedProtocolVersions: [...SERVED_PROTOCOL_VERSIONS] }],
    _meta: { [CARD_EXTENSIONS_META_KEY]: extensions },
  };
}

/**
 * The domain-level MCP catalog (`/.well-known/mcp/catalog.json`) pointing at one card.
 * @category Server
 */
export function buildCatalog(identity: ServerIdentity, cardUrl: string): Record<string, unknown> {
  const host = new URL(cardUrl).hostname;
  return {
    specVersion: "draft",
    entries: [
      {
        identifier: `urn:air:${host}:${identity.name.replace("/", ":")}`,
        displayName: identity.title,
        type: SERVER_CARD_MEDIA_TYPE,
        url: cardUrl,
      },
    ],
  };
}
