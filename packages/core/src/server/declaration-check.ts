import { ProtocolError, ProtocolErrorCode, type ClientCapabilities, type McpServer, type ServerContext } from "@modelcontextprotocol/server";
import type { z } from "zod";
import type { AnyExtension } from "../extension/define.js";
import { negotiateVersion } from "../extension/versions.js";
import { describeIssues } from "./describe-issues.js";

/**
 * JSON-RPC error code for a client that declared an extension only in versions the server
 * does not implement. The agents-wg versioning proposal names this error "Unsupported
 * Extension Version" (-32005 there); core keeps its codes outside the range the MCP
 * specification reserves (-32768..-32000). `data` carries `extension`, `field`,
 * `requested` and `supported` (the server's versions).
 * @category Server
 */
export const UNSUPPORTED_EXTENSION_VERSION_CODE = -31005;

/**
 * A client's declaration of one extension, validated.
 * @category Server
 */
export interface ClientDeclaration {
  /** The client listed the extension in `capabilities.extensions`. */
  readonly listed: boolean;
  /** The validated client settings (without `versions`); `undefined` when not listed. */
  readonly settings: unknown;
  /** The version both sides share; `undefined` when not listed. */
  readonly version: string | undefined;
}

const NOT_LISTED: ClientDeclaration = Object.freeze({ listed: false, settings: undefined, version: undefined });

/** The exact settings key a problem is at: `capabilities.extensions["<id>"].<path>`. */
export function declarationField(extensionId: string, path: string): string {
  return `capabilities.extensions["${extensionId}"]${path ? (path.startsWith("[") ? path : `.${path}`) : ""}`;
}

function invalidSettings(extensionId: string, path: string, message: string): ProtocolError {
  const field = declarationField(extensionId, path);
  return new ProtocolError(ProtocolErrorCode.InvalidParams, `Invalid client settings for extension ${extensionId} at ${field}: ${message}`, {
    extension: extensionId,
    field,
  });
}

function unsupportedVersion(extension: AnyExtension, requested: readonly string[]): ProtocolError {
  const field = declarationField(extension.id, "versions");
  return new ProtocolError(
    UNSUPPORTED_EXTENSION_VERSION_CODE,
    `Unsupported extension version: ${extension.id} is served in version${extension.versions.length > 1 ? "s" : ""} ${extension.versions.join(", ")}; declare one of them in ${field}`,
    { extension: extension.id, field, requested: [...requested], supported: [...extension.versions] },
  );
}

/**
 * Validates what a client declared for one extension: settings against the extension's
 * client schema (unknown keys included, named in `data.field`) and `versions` against the
 * server's. Throws a `ProtocolError`: `-32602` for bad settings,
 * {@link UNSUPPORTED_EXTENSION_VERSION_CODE} when no declared version is served.
 */
export function parseClientDeclaration(extension: AnyExtension, declared: unknown): ClientDeclaration {
  if (declared === undefined) return NOT_LISTED;
  if (declared === null || typeof declared !== "object" || Array.isArray(declared)) throw invalidSettings(extension.id, "", "expected an object");
  const { versions, ...rest } = declared as Record<string, unknown>;
  let clientVersions: string[] | undefined;
  if (versions !== undefined) {
    if (!Array.isArray(versions) || versions.length === 0 || !versions.every((version) => typeof version === "string")) {
      throw invalidSettings(extension.id, "versions", "expected a non-empty array of version strings");
    }
    clientVersions = versions;
  }
  const result = (extension.clientSettings as z.ZodType).safeParse(rest);
  if (!result.success) {
    const { field, message } = describeIssues(result.error);
    throw invalidSettings(extension.id, field, message);
  }
  const version = clientVersions ? negotiateVersion(extension.versions, clientVersions) : extension.latestVersion;
  if (version === undefined) throw unsupportedVersion(extension, clientVersions!);
  return { listed: true, settings: result.data, version };
}

/** Checks one request's declared capabilities; throws the typed error of the first problem. */
type DeclarationCheck = (capabilities: ClientCapabilities | undefined) => void;

const checksByServer = new WeakMap<McpServer, DeclarationCheck[]>();

/**
 * Registers the declaration check of an attached extension on its server and, once per
 * server, makes every request handler run the checks first: `initialize` (2025) checks the
 * capabilities it carries, every 2026-07-28 request the capabilities in its `_meta`, so a
 * bad declaration is refused the first time the server sees it, whatever the method
 * (lists and `server/discover` included).
 */
export function registerDeclarationCheck(server: McpServer, extension: AnyExtension, parse: (declared: unknown) => unknown): void {
  let checks = checksByServer.get(server);
  if (!checks) {
    checks = [];
    checksByServer.set(server, checks);
    guardRequestHandlers(server, checks);
  }
  checks.push((capabilities) => void parse(capabilities?.extensions?.[extension.id]));
}

/**
 * Runs the declaration checks of every extension attached to `server` against `capabilities`;
 * resolves the typed error of the first problem, or `undefined` when all pass. Serving
 * entries call it before dispatch to answer with the right HTTP status.
 */
export function declarationProblem(server: McpServer, capabilities: ClientCapabilities | undefined): ProtocolError | undefined {
  for (const check of checksByServer.get(server) ?? []) {
    try {
      check(capabilities);
    } catch (error) {
      if (error instanceof ProtocolError) return error;
      throw error;
    }
  }
  return undefined;
}

/** Whether any extension attached to `server` checks client declarations. */
export function hasDeclarationChecks(server: McpServer): boolean {
  return (checksByServer.get(server)?.length ?? 0) > 0;
}

type Handler = (request: { method: string; params?: Record<string, unknown> }, context: ServerContext) => unknown;

function capabilitiesOf(server: McpServer, request: { method: string; params?: Record<string, unknown> }, context: ServerContext): ClientCapabilities | undefined {
  if (request.method === "initialize") return request.params?.capabilities as ClientCapabilities | undefined;
  const envelope = context.mcpReq.envelope as Record<string, unknown> | undefined;
  if (envelope && "io.modelcontextprotocol/clientCapabilities" in envelope) return envelope["io.modelcontextprotocol/clientCapabilities"] as ClientCapabilities | undefined;
  return server.server.getClientCapabilities();
}

/**
 * The SDK dispatches through its handler map, and installs some handlers (`server/discover`)
 * only after the factory returns; wrapping the map's `set` covers every handler, present and future.
 */
function guardRequestHandlers(server: McpServer, checks: DeclarationCheck[]): void {
  const protocol = server.server as unknown as { _requestHandlers: Map<string, Handler> };
  const original = protocol._requestHandlers;
  const wrap = (handler: Handler): Handler => (request, context) => {
    const capabilities = capabilitiesOf(server, request, context);
    for (const check of checks) check(capabilities);
    return handler(request, context);
  };
  class GuardedHandlers extends Map<string, Handler> {
    override set(method: string, handler: Handler): this {
      return super.set(method, wrap(handler));
    }
  }
  const guarded = new GuardedHandlers();
  for (const [method, handler] of original) guarded.set(method, handler);
  protocol._requestHandlers = guarded;
}

/**
 * A JSON-RPC error answer, with the HTTP status the SDK uses for the code on its validation
 * ladder (400), for the first message of a parsed POST body whose declared capabilities fail
 * the checks of `server` (a server the factory built). 2025 `initialize` and every request
 * carrying 2026-07-28 `_meta` capabilities are checked; anything else passes (`undefined`).
 */
export function declarationRejection(server: McpServer, body: unknown): { status: number; body: Record<string, unknown> } | undefined {
  if (!hasDeclarationChecks(server)) return undefined;
  for (const message of Array.isArray(body) ? body : [body]) {
    if (message === null || typeof message !== "object") continue;
    const { method, id, params } = message as { method?: unknown; id?: unknown; params?: Record<string, unknown> };
    if (typeof method !== "string" || id === undefined) continue;
    const meta = params?._meta as Record<string, unknown> | undefined;
    let capabilities: ClientCapabilities | undefined;
    if (method === "initialize") capabilities = params?.capabilities as ClientCapabilities | undefined;
    else if (meta && "io.modelcontextprotocol/clientCapabilities" in meta) capabilities = meta["io.modelcontextprotocol/clientCapabilities"] as ClientCapabilities | undefined;
    else continue;
    if (capabilities !== undefined && (capabilities === null || typeof capabilities !== "object")) continue;
    const problem = declarationProblem(server, capabilities);
    if (problem) {
      return { status: 400, body: { jsonrpc: "2.0", id, error: { code: problem.code, message: problem.message, data: problem.data } } };
    }
  }
  return undefined;
}
