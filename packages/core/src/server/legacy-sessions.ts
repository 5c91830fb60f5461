import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import {
  createMcpHandler,
  isLegacyRequest,
  McpServer,
  PROTOCOL_VERSION_META_KEY,
  type ClientCapabilities,
  type CreateMcpHandlerOptions,
  type McpHandlerRequestOptions,
  type McpHttpHandler,
  type McpServerFactory,
} from "@modelcontextprotocol/server";
import type { StateStore } from "../state/state-store.js";

/**
 * How 2025-era clients keep what they declared in `initialize` over stateless HTTP.
 * @category Server
 */
export interface LegacySessionOptions {
  /**
   * Key that signs session ids (at least 32 bytes). Replicas MUST share it to accept each
   * other's sessions. Default: a random key per process (one replica only).
   */
  secret?: Uint8Array | string;
  /**
   * Shared state that carries a client's answers to server-to-client requests (elicitation)
   * to the replica waiting for them. Without it, answers reach only the replica that asked.
   */
  state?: StateStore;
  /** Lifetime of a session id in ms (default 24 h); an expired one answers 404, so the client initializes again. */
  ttlMs?: number;
  /** Longest a server-to-client request waits for its answer in ms (default 10 min). */
  responseWaitMs?: number;
}

/** What a session id carries: the 2025 `initialize` declarations, signed. */
interface LegacySession {
  capabilities: ClientCapabilities;
  clientInfo: Record<string, unknown> | undefined;
  protocolVersion: string | undefined;
  /** Stable per session id; keys routed answers so no other session can deliver them. */
  tag: string;
}

/** The header a 2025 Streamable HTTP client echoes after `initialize`. */
const SESSION_HEADER = "mcp-session-id";
/** Session ids stay well below common header limits (8 KiB). */
const MAX_SESSION_ID_LENGTH = 6144;
const RESPONSES_NAMESPACE = "mcp-session-responses";
/** Server-to-client request ids are rewritten to this prefix plus a random UUID. */
const ROUTED_ID_PREFIX = "mcpv-";
const DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;
const DEFAULT_RESPONSE_WAIT_MS = 10 * 60 * 1000;

type JsonRpcMessage = { jsonrpc?: string; id?: unknown; method?: unknown; params?: Record<string, unknown>; result?: unknown; error?: unknown };
type Transportish = {
  send(message: JsonRpcMessage, options?: unknown): Promise<void>;
  close(): Promise<void>;
  onmessage?: (message: JsonRpcMessage, extra?: unknown) => void;
};

/**
 * `createMcpHandler` with 2025-era sessions that survive stateless serving. SDK 2.4.0 serves a
 * 2025 POST on a fresh server that never saw `initialize`, so what the client declared there
 * (extensions, elicitation) is lost. This handler answers `initialize` with a compact signed
 * `Mcp-Session-Id` carrying the declared capabilities, client info and protocol version;
 * every later POST that echoes it is served by a server seeded with them, on any replica that
 * shares the signing key, without sticky routing. Server-to-client requests (elicitation) go
 * out on the POST's SSE stream under a routed id; the client's answer, POSTed to any replica,
 * is handed to the waiting server directly or through the shared `StateStore`.
 * 2026-07-28 requests pass through untouched (they carry their capabilities themselves).
 *
 * @example
 * ```ts
 * const handler = createSessionHandler(() => createTemplateServer(), { sessions: { secret: process.env.MCP_SESSION_SECRET } });
 * const response = await handler.fetch(request);
 * ```
 * @category Server
 */
export function createSessionHandler(factory: McpServerFactory, options: CreateMcpHandlerOptions & { sessions?: LegacySessionOptions } = {}): McpHttpHandler {
  const { sessions = {}, ...handlerOptions } = options;
  const key = signingKey(sessions.secret);
  const ttlMs = sessions.ttlMs ?? DEFAULT_TTL_MS;
  const responseWaitMs = sessions.responseWaitMs ?? DEFAULT_RESPONSE_WAIT_MS;
  const state = sessions.state;
  /** Local waiters for routed answers: `<tag>:<routed id>` → deliver. */
  const waiters = new Map<string, (answer: JsonRpcMessage) => void>();

  const sessionFactory: McpServerFactory = async (context) => {
    const product = await factory(context);
    if (context.era !== "legacy") return product;
    const session = verifySessionId(key, context.requestInfo?.headers.get(SESSION_HEADER) ?? undefined);
    if (!session) return product;
    const server = (product instanceof McpServer ? product.server : product) as unknown as SeedableServer;
    // The SDK's own seam for instances that never see `initialize` writes these two fields.
    server._clientCapabilities = session.capabilities;
    if (session.clientInfo) server._clientVersion = session.clientInfo;
    routeServerRequests(server, session, { waiters, state, responseWaitMs });
    return product;
  };
  const inner = createMcpHandler(sessionFactory, handlerOptions);

  const fetch = async (request: Request, requestOptions?: McpHandlerRequestOptions): Promise<Response> => {
    if (request.method.toUpperCase() !== "POST") return inner.fetch(request, requestOptions);
    let parsedBody = requestOptions?.parsedBody;
    if (parsedBody === undefined) {
      try {
        parsedBody = JSON.parse(await request.clone().text());
      } catch {
        return inner.fetch(request, requestOptions); // the SDK answers unreadable bodies itself
      }
    }
    const forwarded = { ...requestOptions, parsedBody };
    if (claimsModernEnvelope(parsedBody) || !(await isLegacyRequest(request, parsedBody))) return inner.fetch(request, forwarded);

    const messages = (Array.isArray(parsedBody) ? parsedBody : [parsedBody]) as JsonRpcMessage[];
    const initialize = messages.length === 1 && messages[0]?.method === "initialize" ? messages[0] : undefined;
    if (initialize) {
      const params = initialize.params ?? {};
      const sessionId = mintSessionId(key, {
        c: (params.capabilities ?? {}) as ClientCapabilities,
        i: params.clientInfo as Record<string, unknown> | undefined,
        p: typeof params.protocolVersion === "string" ? params.protocolVersion : undefined,
        e: Date.now() + ttlMs,
      });
      if (sessionId.length > MAX_SESSION_ID_LENGTH) {
        return jsonRpcError(400, initialize.id ?? null, -32600, `The declared capabilities are too large to keep in a session id (${sessionId.length} > ${MAX_SESSION_ID_LENGTH} characters)`);
      }
      const response = await inner.fetch(request, forwarded);
      if (!response.ok) return response;
      const headers = new Headers(response.headers);
      headers.set(SESSION_HEADER, sessionId);
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }

    const presented = request.headers.get(SESSION_HEADER);
    if (presented === null) return inner.fetch(request, forwarded);
    const session = verifySessionId(key, presented);
    // The 2025 transport spec: an unknown session answers 404 and the client initializes anew.
    if (!session) return jsonRpcError(404, firstRequestId(messages), -32001, "Session not found or expired; send initialize again");
    if (messages.length > 0 && messages.every(isResponse)) {
      for (const answer of messages) await deliverAnswer(answer, session, { waiters, state, responseWaitMs });
      return new Response(null, { status: 202 });
    }
    return inner.fetch(request, forwarded);
  };

  return { fetch, close: inner.close, notify: inner.notify, bus: inner.bus };
}

interface SeedableServer {
  _clientCapabilities?: ClientCapabilities;
  _clientVersion?: Record<string, unknown>;
  connect(transport: Transportish): Promise<void>;
}

interface Routing {
  waiters: Map<string, (answer: JsonRpcMessage) => void>;
  state: StateStore | undefined;
  responseWaitMs: number;
}

/**
 * Rewrites the ids of requests this server sends the client (elicitation, sampling, roots)
 * to routed ones, and waits for the answers: locally, and in shared state when there is one.
 */
function routeServerRequests(server: SeedableServer, session: LegacySession, routing: Routing): void {
  const connect = server.connect.bind(server);
  server.connect = async (transport) => {
    const send = transport.send.bind(transport);
    const close = transport.close.bind(transport);
    const pending = new Set<string>();
    let closed = false;
    transport.send = async (message, sendOptions) => {
      if (typeof message.method !== "string" || message.id === undefined || closed) return send(message, sendOptions);
      const routedId = `${ROUTED_ID_PREFIX}${randomUUID()}`;
      const slot = `${session.tag}:${routedId}`;
      const original = message.id;
      let answered = false;
      const deliver = (answer: JsonRpcMessage) => {
        if (answered) return;
        answered = true;
        routing.waiters.delete(slot);
        pending.delete(slot);
        transport.onmessage?.({ ...answer, id: original });
      };
      routing.waiters.set(slot, deliver);
      pending.add(slot);
      if (routing.state) void pollAnswer(routing.state, slot, routing.responseWaitMs, () => answered || closed, deliver);
      return send({ ...message, id: routedId }, sendOptions);
    };
    transport.close = async () => {
      closed = true;
      for (const slot of pending) routing.waiters.delete(slot);
      pending.clear();
      return close();
    };
    return connect(transport);
  };
}

async function deliverAnswer(answer: JsonRpcMessage, session: LegacySession, routing: Routing): Promise<void> {
  if (typeof answer.id !== "string" || !answer.id.startsWith(ROUTED_ID_PREFIX)) return;
  const slot = `${session.tag}:${answer.id}`;
  const local = routing.waiters.get(slot);
  if (local) return local(answer);
  if (routing.state) {
    const { id: _id, ...rest } = answer;
    await routing.state.put(RESPONSES_NAMESPACE, slot, rest, { expiresAt: Date.now() + routing.responseWaitMs });
  }
}

async function pollAnswer(state: StateStore, slot: string, waitMs: number, done: () => boolean, deliver: (answer: JsonRpcMessage) => void): Promise<void> {
  const deadline = Date.now() + waitMs;
  let delay = 25;
  while (!done() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, delay).unref?.());
    if (done()) return;
    try {
      const record = await state.get<JsonRpcMessage>(RESPONSES_NAMESPACE, slot);
      if (record) {
        await state.delete(RESPONSES_NAMESPACE, slot);
        return deliver(record.value);
      }
    } catch {
      // A failing state read is retried until the deadline; the request then times out in the SDK.
    }
    delay = Math.min(delay * 2, 500);
  }
}

/**
 * A single JSON-RPC request carrying the 2026-07-28 envelope claim in `params._meta`: the SDK
 * routes every such request to its modern path (even one naming an unserved revision), so the
 * full classification can be left to that path instead of running twice.
 */
function claimsModernEnvelope(body: unknown): boolean {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return false;
  const { method, params } = body as JsonRpcMessage;
  if (typeof method !== "string") return false;
  const meta = params?._meta;
  return meta !== null && typeof meta === "object" && !Array.isArray(meta) && typeof (meta as Record<string, unknown>)[PROTOCOL_VERSION_META_KEY] === "string";
}

function isResponse(message: JsonRpcMessage): boolean {
  return message !== null && typeof message === "object" && message.method === undefined && message.id !== undefined && ("result" in message || "error" in message);
}

function firstRequestId(messages: JsonRpcMessage[]): unknown {
  return messages.find((message) => typeof message?.method === "string" && message.id !== undefined)?.id ?? null;
}

function jsonRpcError(status: number, id: unknown, code: number, message: string): Response {
  return new Response(JSON.stringify({ jsonrpc: "2.0", id: id ?? null, error: { code, message } }), { status, headers: { "content-type": "application/json" } });
}

function signingKey(secret: Uint8Array | string | undefined): Buffer {
  if (secret === undefined) return randomBytes(32);
  const bytes = typeof secret === "string" ? Buffer.from(secret, "utf8") : Buffer.from(secret);
  if (bytes.length < 32) throw new TypeError("The session signing secret must be at least 32 bytes.");
  return bytes;
}

interface SessionPayload {
  /** Declared capabilities. */
  c: ClientCapabilities;
  /** Client info. */
  i: Record<string, unknown> | undefined;
  /** Requested protocol version. */
  p: string | undefined;
  /** Expiry, epoch ms. */
  e: number;
}

function signature(key: Buffer, payload: string): Buffer {
  return createHmac("sha256", key).update("mcp-verticals/session-id\u0000").update(payload).digest();
}

function mintSessionId(key: Buffer, payload: SessionPayload): string {
  const encoded = Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
  return `v1.${encoded}.${signature(key, encoded).toString("base64url")}`;
}

function verifySessionId(key: Buffer, sessionId: string | undefined): LegacySession | undefined {
  if (!sessionId || sessionId.length > MAX_SESSION_ID_LENGTH) return undefined;
  const [version, encoded, mac] = sessionId.split(".");
  if (version !== "v1" || !encoded || !mac) return undefined;
  const expected = signature(key, encoded);
  const actual = Buffer.from(mac, "base64url");
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
  let payload: SessionPayload;
  try {
    payload = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8")) as SessionPayload;
  } catch {
    return undefined;
  }
  if (typeof payload.e !== "number" || payload.e < Date.now()) return undefined;
  if (payload.c === null || typeof payload.c !== "object") return undefined;
  return {
    capabilities: payload.c,
    clientInfo: payload.i,
    protocolVersion: payload.p,
    tag: createHash("sha256").update(mac).digest("hex").slice(0, 32),
  };
}
