import type { ServerIdentity } from "./server-card.js";

/**
 * The fields of an MCP Registry `server.json` that describe a server. A vertical's `server.json`
 * is the one source of its description, title and version: the server card, the AI Catalog
 * entry and the `serverInfo` that `initialize` and `server/discover` answer all read it.
 *
 * @example
 * ```ts
 * const serverJson: ServerJsonIdentity = { name: "com.example/weather", title: "Weather", version: "1.0.0", description: "Forecasts" };
 * ```
 * @category Server
 */
export interface ServerJsonIdentity {
  /** Reverse-DNS registry name, `namespace/name`. */
  name: string;
  title?: string;
  version: string;
  /** At most 100 characters (the registry's and the card's limit). */
  description: string;
  websiteUrl?: string;
  repository?: { url: string; source: string; subfolder?: string; id?: string };
}

/**
 * The identity of a server for its card and catalog entry, read from its `server.json`.
 *
 * @example
 * ```ts
 * import serverJson from "../server.json" with { type: "json" };
 * const identity = serverIdentityFrom(serverJson);
 * ```
 * @category Server
 */
export function serverIdentityFrom(serverJson: ServerJsonIdentity): ServerIdentity {
  const repository = serverJson.repository;
  return {
    name: serverJson.name,
    title: serverJson.title ?? serverJson.name,
    version: serverJson.version,
    description: serverJson.description,
    ...(serverJson.websiteUrl ? { websiteUrl: serverJson.websiteUrl } : {}),
    ...(repository ? { repository: { url: repository.url, source: repository.source, ...(repository.subfolder ? { subfolder: repository.subfolder } : {}) } } : {}),
  };
}

/**
 * The `serverInfo` (MCP `Implementation`) a server built from `server.json` answers in
 * `initialize` and `server/discover`: its own programmatic `name`, and the title, version,
 * description and website of `server.json`, so clients read the same text as on the card.
 *
 * @example
 * ```ts
 * import serverJson from "../server.json" with { type: "json" };
 * const server = new McpServer(serverInfoFrom("mcp-verticals-weather", serverJson), { capabilities: {} });
 * ```
 * @category Server
 */
export function serverInfoFrom(
  name: string,
  serverJson: ServerJsonIdentity,
): { name: string; title: string; version: string; description: string; websiteUrl?: string } {
  return {
    name,
    title: serverJson.title ?? serverJson.name,
    version: serverJson.version,
    description: serverJson.description,
    ...(serverJson.websiteUrl ? { websiteUrl: serverJson.websiteUrl } : {}),
  };
}
