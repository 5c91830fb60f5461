import { createHash } from "node:crypto";
import type { ServerIdentity } from "./server-card.js";

/**
 * Media type of an AI Catalog document.
 * @category Server
 */
export const AI_CATALOG_MEDIA_TYPE = "application/ai-catalog+json";

/**
 * Where domain-level discovery looks for the AI Catalog (server-card draft, `docs/discovery.md`).
 * @category Server
 */
export const AI_CATALOG_PATH = "/.well-known/ai-catalog.json";

/** The superseded MCP Catalog location, still answered with the same document. */
export const LEGACY_CATALOG_PATH = "/.well-known/mcp/catalog.json";

/**
 * An AI Catalog (specVersion 1.0) as the MCP server-card draft uses it for discovery.
 * @category Server
 */
export interface AiCatalog {
  specVersion: "1.0";
  entries: { identifier: string; type: "application/mcp-server-card+json"; url: string }[];
}

/**
 * The AI Catalog identifier of a server: `urn:air:{publisher}:mcp:{name}`, where the publisher
 * is the forward DNS name of the card name's reverse-DNS namespace (`com.example/weather` →
 * `urn:air:example.com:mcp:weather`).
 *
 * @example
 * ```ts
 * aiCatalogIdentifier("io.github.mcp-verticals/finance"); // "urn:air:mcp-verticals.github.io:mcp:finance"
 * ```
 * @category Server
 */
export function aiCatalogIdentifier(serverName: string): string {
  const [namespace, name] = serverName.split("/");
  if (!namespace || !name) throw new TypeError(`A server name is "namespace/name", got ${JSON.stringify(serverName)}`);
  return `urn:air:${namespace.split(".").reverse().join(".")}:mcp:${name}`;
}

/**
 * The AI Catalog a domain serves at `/.well-known/ai-catalog.json`, with one entry pointing at the
 * server card. The entry repeats no human-readable fields: clients read them from the card.
 *
 * @example
 * ```ts
 * const catalog = buildAiCatalog({ name: "com.example/weather", title: "Weather", version: "1.0.0", description: "Forecasts" },
 *   "https://example.com/mcp/server-card");
 * ```
 * @category Server
 */
export function buildAiCatalog(identity: Pick<ServerIdentity, "name">, cardUrl: string): AiCatalog {
  return { specVersion: "1.0", entries: [{ identifier: aiCatalogIdentifier(identity.name), type: "application/mcp-server-card+json", url: cardUrl }] };
}

/** A public, read-only discovery document served with CORS and entity-tag revalidation. */
export interface PublicDocument {
  readonly body: string;
  readonly etag: string;
  readonly contentType: string;
}

/** Serializes a discovery document once, with a strong ETag over its bytes. */
export function publicDocument(value: unknown, contentType: string): PublicDocument {
  const body = JSON.stringify(value);
  return { body, contentType, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"` };
}

/**
 * Headers every public discovery response carries (server-card draft, "CORS Requirements" and
 * "Caching"): any origin may read it, revalidate it with `If-None-Match`, and see the `ETag`.
 */
export const PUBLIC_DOCUMENT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET",
  "access-control-allow-headers": "Content-Type, If-None-Match",
  "access-control-expose-headers": "ETag",
  "cache-control": "public, max-age=3600",
});

/**
 * Answers a request for a public document: the CORS preflight (204), a revalidation whose
 * `If-None-Match` matches (304), or the document itself (200; body omitted for HEAD).
 */
export function answerPublicDocument(
  method: string,
  ifNoneMatch: string | undefined,
  document: PublicDocument,
): { status: number; headers: Record<string, string>; body?: string } {
  if (method === "OPTIONS") return { status: 204, headers: { ...PUBLIC_DOCUMENT_HEADERS, "access-control-max-age": "86400" } };
  const headers = { ...PUBLIC_DOCUMENT_HEADERS, etag: document.etag };
  const tags = ifNoneMatch?.split(",").map((tag) => tag.trim().replace(/^W\//, ""));
  if (tags && (tags.includes(document.etag) || tags.includes("*"))) return { status: 304, headers };
  return { status: 200, headers: { ...headers, "content-type": document.contentType }, ...(method === "HEAD" ? {} : { body: document.body }) };
}
