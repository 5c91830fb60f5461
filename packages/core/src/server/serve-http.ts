import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { timingSafeEqual, createHash } from "node:crypto";
import {
  localhostAllowedHostnames,
  SUPPORTED_PROTOCOL_VERSIONS,
  validateHostHeader,
  validateOriginHeader,
  type AuthInfo,
  type McpServer,
  type McpServerFactory,
  type ServerEventBus,
  type ServerNotifier,
} from "@modelcontextprotocol/server";
import { handleApprovalPage, APPROVAL_PAGE_PATH } from "../approval/approval-page.js";
import { publicBaseUrl } from "./public-url.js";
import { registerApprovalChannels } from "../approval/channels.js";
import type { StateStore } from "../state/state-store.js";
import { declarationRejection } from "./declaration-check.js";
import { createSessionHandler, type LegacySessionOptions } from "./legacy-sessions.js";
import { reusingServers } from "./server-pool.js";
import { buildServerCard, discoverServed, SERVER_CARD_MEDIA_TYPE, type ServerIdentity } from "./server-card.js";
import { AI_CATALOG_MEDIA_TYPE, AI_CATALOG_PATH, answerPublicDocument, buildAiCatalog, LEGACY_CATALOG_PATH, publicDocument, type PublicDocument } from "./ai-catalog.js";

/**
 * Options for {@link serveHttp}.
 * @category Server
 */
export interface ServeHttpOptions {
  /** Port to listen on; `0` picks a free one. */
  port: number;
  /** Interface to bind; loopback unless you deliberately expose the server. */
  host?: string;
  /** Path of the MCP endpoint. */
  path?: string;
  /** Identity for the server card and catalog. */
  identity: ServerIdentity;
  /** Host names accepted in the `Host` header (DNS-rebinding protection); loopback names by default. */
  allowedHosts?: string[];
  /** Origin host names accepted in the `Origin` header; loopback names by default. */
  allowedOrigins?: string[];
  /** Largest request body accepted, in bytes (413 beyond). Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Require `Authorization: Bearer <token>`: a fixed token (acting with the given scopes and
   * verified claims, e.g. `{ subject, roles, attributes }`), or a verifier for real deployments.
   */
  auth?:
    | { token: string; scopes?: string[]; extra?: Record<string, unknown> }
    | { verify: (token: string) => AuthInfo | undefined | Promise<AuthInfo | undefined> };
  /** Where serving errors are reported (never to clients). */
  onError?: (error: Error) => void;
  /** Change-event bus for `subscriptions/listen` streams; share one across replicas' pub/sub. */
  bus?: ServerEventBus;
  /**
   * Serve the human approval page at `/approvals/<id>` for the approvals in `state`, where a
   * person decides with the operator credential (never the MCP bearer token).
   */
  approvals?: { state: StateStore; operatorToken: string };
  /**
   * The absolute http(s) URL people and clients reach this server at when it runs behind a proxy
   * (e.g. `https://mcp.example.org`, or `https://example.org/finance` for a path prefix the proxy
   * strips). Approval links (URL-mode elicitation, "approval pending" results) and the URLs in
   * the server card and the AI Catalog are built from it instead of the bound address. An invalid
   * one fails with `INVALID_PUBLIC_URL`.
   */
  publicUrl?: string;
  /**
   * 2025-era sessions over stateless serving: what a 2025 client declares in `initialize` rides
   * a signed `Mcp-Session-Id`. Replicas share `secret` (and `state`, for elicitation answers).
   */
  sessions?: LegacySessionOptions;
  /**
   * Reuse idle servers for 2026-07-28 requests instead of building one per request (default
   * `true`). Reused servers are built with `{ era: "modern" }` only; set `false` for a factory
   * that builds a different server per request (from `authInfo` or the request).
   */
  reuseServers?: boolean;
}

/**
 * A running HTTP server.
 * @category Server
 */
export interface RunningHttpServer {
  /** The MCP endpoint URL, e.g. `http://127.0.0.1:3000/mcp`. */
  readonly url: string;
  /** The server card URL on the bound address (`<endpoint>/server-card`); with `publicUrl`, the card and catalog name the public one. */
  readonly cardUrl: string;
  /** Publishes list-changed and resource-updated events to open `subscriptions/listen` streams. */
  readonly notify: ServerNotifier;
  /** Stops accepting connections, lets in-flight requests finish, then tears down. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 1024 * 1024;

/**
 * Serves a server factory over stateless Streamable HTTP (both protocol eras) with the
 * protections a local or replicated deployment needs: loopback bind by default, Host and
 * Origin validation, a body size limit, optional bearer auth, a server card at
 * `<endpoint>/server-card` and an AI Catalog at `/.well-known/ai-catalog.json` (also at the older
 * `/.well-known/mcp/catalog.json`), both readable cross-origin with ETag revalidation, `/healthz`,
 * and graceful close.
 *
 * @example
 * ```ts
 * const running = await serveHttp(() => createTemplateServer(), {
 *   port: 3000,
 *   identity: { name: "io.github.mcp-verticals/template", title: "Template", version: "0.1.0", description: "Template vertical" },
 * });
 * console.error(`listening on ${running.url}`);
 * ```
 * @category Server
 */
export async function serveHttp(factory: McpServerFactory, options: ServeHttpOptions): Promise<RunningHttpServer> {
  const host = options.host ?? "127.0.0.1";
  const path = options.path ?? "/mcp";
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const allowedHosts = options.allowedHosts ?? [...localhostAllowedHostnames(), host];
  const allowedOrigins = options.allowedOrigins ?? [...localhostAllowedHostnames(), host];
  const report = options.onError ?? (() => undefined);
  const publicBase = options.publicUrl === undefined ? undefined : publicBaseUrl(options.publicUrl);
  if (options.approvals) {
    if (options.approvals.operatorToken.length < 16) throw new TypeError("the operator credential must be at least 16 characters");
    if (options.auth && "token" in options.auth && options.auth.token === options.approvals.operatorToken) {
      throw new TypeError("the operator credential must differ from the MCP bearer token: whoever holds the MCP token must not be able to approve");
    }
  }
  // Each request runs on a fresh server instance, so change events travel through the handler's bus.
  const serving = options.reuseServers === false ? factory : reusingServers(factory);
  const handler = createSessionHandler(serving, {
    maxRequestBodySize: maxBodyBytes,
    onerror: report,
    ...(options.bus ? { bus: options.bus } : {}),
    ...(options.sessions ? { sessions: options.sessions } : {}),
  });
  // A server the factory built, whose attached extensions check client declarations before dispatch.
  const probe = (await factory({ era: "modern" })) as McpServer;
  let base = "";
  let publicDocuments = new Map<string, PublicDocument>();

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      report(error instanceof Error ? error : new Error(String(error)));
      if (!response.headersSent) sendJsonRpcError(response, 500, -32603, "Internal error");
      else response.end();
    });
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const hostCheck = validateHostHeader(request.headers.host, allowedHosts);
    if (!hostCheck.ok) return sendJsonRpcError(response, 403, -32600, `Forbidden: ${hostCheck.message}`);
    const url = new URL(request.url ?? "/", base);
    // Card and catalog are public read-only metadata, readable from any origin (CORS, ETag);
    // everything else, the MCP endpoint above all, keeps its Origin check.
    const document = publicDocuments.get(url.pathname);
    if (document && (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS")) {
      const answer = answerPublicDocument(request.method, request.headers["if-none-match"], document);
      response.writeHead(answer.status, answer.headers);
      return void response.end(answer.body);
    }
    const origin = request.headers.origin;
    if (origin !== undefined) {
      const originCheck = validateOriginHeader(origin, allowedOrigins);
      if (!originCheck.ok) return sendJsonRpcError(response, 403, -32600, "Forbidden: origin not allowed");
    }
    if (request.method === "GET" && url.pathname === "/healthz") return sendJson(response, 200, { status: "ok" });
    if (options.approvals && url.pathname.startsWith(APPROVAL_PAGE_PATH)) {
      await handleApprovalPage(request, response, { ...options.approvals, origin: publicBase ? new URL(publicBase).origin : base });
      return;
    }
    if (url.pathname !== path) return sendJson(response, 404, { error: "not found" });

    let authInfo: AuthInfo | undefined;
    if (options.auth) {
      authInfo = await authenticate(request.headers.authorization, options.auth);
      if (!authInfo) {
        response.setHeader("www-authenticate", 'Bearer realm="mcp"');
        return sendJsonRpcError(response, 401, -32600, "Unauthorized: a valid bearer token is required");
      }
    }
    const declaredLength = Number(request.headers["content-length"] ?? "0");
    if (declaredLength > maxBodyBytes) {
      request.resume();
      return sendJsonRpcError(response, 413, -32600, `Request body exceeds ${maxBodyBytes} bytes`);
    }
    const body = request.method === "POST" ? await readBody(request, maxBodyBytes) : undefined;
    if (body === "too-large") return sendJsonRpcError(response, 413, -32600, `Request body exceeds ${maxBodyBytes} bytes`);
    const parsedBody = body === undefined ? undefined : parseJson(body);
    const rejected = parsedBody === undefined ? undefined : declarationRejection(probe, parsedBody);
    if (rejected) return sendJson(response, rejected.status, rejected.body);

    // Aborts the exchange only when the client goes away before the answer is complete.
    const abort = new AbortController();
    let finished = false;
    response.on("close", () => {
      if (!finished) abort.abort();
    });
    const webRequest = new Request(url, {
      method: request.method ?? "GET",
      headers: toHeaders(request),
      // A parsed body travels as `parsedBody`; the SDK reads the raw bytes only when parsing failed.
      ...(body !== undefined && parsedBody === undefined ? { body } : {}),
      signal: abort.signal,
    });
    const webResponse = await handler.fetch(webRequest, { ...(authInfo ? { authInfo } : {}), ...(parsedBody === undefined ? {} : { parsedBody }) });
    const responseHeaders = Object.fromEntries(webResponse.headers);
    if (!webResponse.body) {
      response.writeHead(webResponse.status, responseHeaders);
      finished = true;
      return void response.end();
    }
    if (!(webResponse.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
      // A complete JSON answer goes out in one write with its length (no chunked encoding).
      const bytes = Buffer.from(await webResponse.arrayBuffer());
      response.writeHead(webResponse.status, { ...responseHeaders, "content-length": bytes.byteLength });
      finished = true;
      return void response.end(bytes);
    }
    response.writeHead(webResponse.status, responseHeaders);
    const reader = webResponse.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      response.write(value);
    }
    finished = true;
    response.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const hostForUrl = host.includes(":") ? `[${host}]` : host;
  base = `http://${hostForUrl}:${port}`;
  const endpoint = `${base}${path}`;
  const cardUrl = `${endpoint}/server-card`;
  // The card says what discover answers: one source for versions and extensions.
  const discovered = await discoverServed(handler);
  const protocolVersions = [...discovered.supportedVersions, ...SUPPORTED_PROTOCOL_VERSIONS.filter((version) => !discovered.supportedVersions.includes(version))];
  for (const key of ["version", "description"] as const) {
    const own = discovered.serverInfo?.[key];
    if (own !== undefined && own !== options.identity[key]) report(new Error(`The server card ${key} ${JSON.stringify(options.identity[key])} differs from the server's own ${key} ${JSON.stringify(own)}`));
  }
  // Behind a proxy, card and catalog name the address clients reach, not the bound one.
  const publicEndpoint = `${publicBase ?? base}${path}`;
  const catalog = publicDocument(buildAiCatalog(options.identity, `${publicEndpoint}/server-card`), AI_CATALOG_MEDIA_TYPE);
  publicDocuments = new Map([
    [`${path}/server-card`, publicDocument(buildServerCard(options.identity, publicEndpoint, discovered.extensions, protocolVersions), SERVER_CARD_MEDIA_TYPE)],
    [AI_CATALOG_PATH, catalog],
    [LEGACY_CATALOG_PATH, catalog],
  ]);
  if (options.approvals) registerApprovalChannels(options.approvals.state, { pageBaseUrl: `${publicBase ?? base}${APPROVAL_PAGE_PATH}` });

  return {
    url: endpoint,
    cardUrl,
    notify: handler.notify,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const forced = setTimeout(() => server.closeAllConnections(), 5_000);
      await closed;
      clearTimeout(forced);
      await handler.close();
    },
  };
}

async function authenticate(header: string | undefined, auth: NonNullable<ServeHttpOptions["auth"]>): Promise<AuthInfo | undefined> {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  if (!match) return undefined;
  const token = match[1]!;
  if ("verify" in auth) return auth.verify(token);
  // Compare digests so length differences leak nothing either.
  const expected = createHash("sha256").update(auth.token).digest();
  const actual = createHash("sha256").update(token).digest();
  if (!timingSafeEqual(expected, actual)) return undefined;
  return { token, clientId: "bearer-client", scopes: auth.scopes ?? [], ...(auth.extra ? { extra: auth.extra } : {}) };
}

function toHeaders(request: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  return headers;
}

async function readBody(request: IncomingMessage, limit: number): Promise<ArrayBuffer | "too-large"> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      request.resume();
      return "too-large";
    }
    chunks.push(chunk);
  }
  const joined = Buffer.concat(chunks);
  return joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength) as ArrayBuffer;
}

function parseJson(body: ArrayBuffer): unknown {
  try {
    return JSON.parse(Buffer.from(body).toString("utf8"));
  } catch {
    return undefined; // the SDK answers unparseable bodies itself
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  response.end(text);
}

function sendJsonRpcError(response: ServerResponse, status: number, code: number, message: string): void {
  sendJson(response, status, { jsonrpc: "2.0", id: null, error: { code, message } });
}
