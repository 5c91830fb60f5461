import { attachExtension, type AuditTrail, type StateStore, serverInfoFrom } from "@mcp-verticals/core";
import { McpServer } from "@modelcontextprotocol/server";
import serverJson from "../server.json" with { type: "json" };
import type { z } from "zod";
import { createEmbeddedGlossary } from "./backend/embedded-glossary.js";
import type { GlossaryBackend } from "./backend/glossary-backend.js";
import { templateExtension } from "./extension.js";
import type { TemplateServerSettings } from "./schemas/settings.js";

/** Options for {@link createTemplateServer}. */
export interface TemplateServerOptions {
  settings?: z.input<typeof TemplateServerSettings>;
  glossary?: GlossaryBackend;
  audit?: AuditTrail;
  /** Shared state handed to bindings as `context.state` (task records, approvals). */
  state?: StateStore;
  /** Toolsets to serve (`lookup`, `search`, or `all`); default: `lookup`. */
  toolsets?: readonly string[];
}

/**
 * The server's `serverInfo`: its name, and the title, version and description of `server.json`,
 * the one source the server card and the AI Catalog read too.
 */
export const TEMPLATE_SERVER_INFO = serverInfoFrom("mcp-verticals-template", serverJson);

/**
 * Builds an `McpServer` with the template extension attached: the factory the serving entries call.
 *
 * @example
 * ```ts
 * const server = createTemplateServer({ settings: { languages: ["en"] } });
 * ```
 */
export function createTemplateServer(options: TemplateServerOptions = {}): McpServer {
  const server = new McpServer(TEMPLATE_SERVER_INFO, {
    instructions: "A glossary of MCP terms. Call template_lookup_term for definitions.",
  });
  attachExtension(server, templateExtension, {
    settings: options.settings ?? {},
    services: { glossary: options.glossary ?? createEmbeddedGlossary() },
    ...(options.audit ? { audit: options.audit } : {}),
    ...(options.state ? { state: options.state } : {}),
    ...(options.toolsets ? { toolsets: options.toolsets } : {}),
  });
  return server;
}
