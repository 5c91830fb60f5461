import { CLIENT_CAPABILITIES_META_KEY, type ClientCapabilities, type McpServer, type ServerContext } from "@modelcontextprotocol/server";
import type { ProtocolEra } from "../extension/bindings.js";

/**
 * The capabilities the client declared for this very request, and the era it speaks.
 *
 * 2026-07-28 requests carry them in `_meta["io.modelcontextprotocol/clientCapabilities"]`
 * (the SDK lifts that into `ctx.mcpReq.envelope`); they are never inferred from earlier
 * requests. 2025 connections declared them once in `initialize`.
 * @category Server
 */
export function requestClientCapabilities(
  server: McpServer,
  request: ServerContext,
): { capabilities: ClientCapabilities | undefined; era: ProtocolEra } {
  // The published .d.ts types the envelope as `{}`; the runtime object is keyed by the reserved names.
  const envelope = request.mcpReq.envelope as Record<string, unknown> | undefined;
  if (envelope && CLIENT_CAPABILITIES_META_KEY in envelope) {
    return { capabilities: envelope[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined, era: "modern" };
  }
  if (envelope && Object.keys(envelope).length > 0) return { capabilities: undefined, era: "modern" };
  return { capabilities: server.server.getClientCapabilities(), era: "legacy" };
}
