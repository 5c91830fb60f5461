import { ExtensionError, canonicalJson } from "@mcp-verticals/core";
import { randomUUID, createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { XAPI_VOIDED_VERB, XapiAgent, XapiStatement } from "../schemas/xapi.js";
import type { EducationStore, StoredStatement } from "../backend/store.js";

/** The xAPI version this LRS speaks. */
export const XAPI_VERSION = "1.0.3";

/** A stable key for an Agent's inverse functional identifier. */
export function agentKey(agent: XapiAgent): string {
  if (agent.mbox) return `mbox:${agent.mbox.toLowerCase()}`;
  if (agent.mbox_sha1sum) return `sha1:${agent.mbox_sha1sum}`;
  if (agent.openid) return `openid:${agent.openid}`;
  return `account:${agent.account!.homePage}|${agent.account!.name}`;
}

const invalid = (message: string, field = "statement") => new ExtensionError("STATEMENT_INVALID", message, { field });

/**
 * A minimal xAPI 1.0.3 learning record store over the embedded store: validates
 * statements, assigns ids and `stored`, handles voiding, refuses conflicting ids, and
 * purges statements past the retention window.
 */
export class XapiLrs {
  constructor(
    readonly store: EducationStore,
    private readonly options: { retentionDays: number; now?: () => number },
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Deletes statements older than the retention window. */
  purgeExpired(): number {
    return this.store.purgeStatements(new Date(this.now() - this.options.retentionDays * 86_400_000).toISOString());
  }

  /** Validates and stores one statement; returns its id. Same id and same content is a no-op. */
  record(input: unknown, id?: string): StoredStatement {
    const parsed = XapiStatement.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw invalid(`the statement is not valid xAPI 1.0.3 at ${issue?.path.join(".") || "(root)"}`, issue?.path.join(".") || "statement");
    }
    const statement = parsed.data;
    if (id !== undefined && statement.id !== undefined && statement.id !== id) throw invalid("the statementId parameter and the statement id differ", "id");
    const statementId = (id ?? statement.id ?? randomUUID()).toLowerCase();
    const existing = this.store.getStatement(statementId);
    const stored = new Date(this.now()).toISOString();
    const full: XapiStatement = { ...statement, id: statementId, timestamp: statement.timestamp ?? stored, stored, version: statement.version ?? XAPI_VERSION };
    if (existing) {
      const strip = (s: XapiStatement) => canonicalJson({ ...s, stored: undefined, timestamp: undefined, version: undefined, authority: undefined });
      if (strip(existing.statement) === strip(full)) return existing;
      throw new ExtensionError("STATEMENT_CONFLICT", "a different statement with this id already exists", { field: "id" });
    }
    const isVoiding = full.verb.id === XAPI_VOIDED_VERB;
    if (isVoiding) {
      if (full.object.objectType !== "StatementRef") throw invalid("a voiding statement's object must be a StatementRef", "object");
      const target = this.store.getStatement(full.object.id);
      if (target && target.verb === XAPI_VOIDED_VERB) throw invalid("a voiding statement cannot be voided", "object");
    }
    const entry: StoredStatement = {
      id: statementId,
      stored,
      actorKey: agentKey(full.actor),
      verb: full.verb.id,
      activityId: full.object.id,
      voided: false,
      statement: full,
    };
    this.store.transaction(() => {
      this.store.putStatement(entry);
      if (isVoiding) this.store.voidStatement(full.object.id);
    });
    return entry;
  }

  /** One statement (voided ones only through `voidedStatementId`, as the spec requires). */
  get(id: string, voided = false): StoredStatement | undefined {
    const found = this.store.getStatement(id.toLowerCase());
    return found && found.voided === voided ? found : undefined;
  }

  /** Statements newest first. */
  query(filter: { agent?: XapiAgent; verb?: string; activity?: string; since?: string; limit: number; offset: number }): StoredStatement[] {
    this.purgeExpired();
    return this.store.queryStatements({
      ...(filter.agent ? { actorKey: agentKey(filter.agent) } : {}),
      ...(filter.verb ? { verb: filter.verb } : {}),
      ...(filter.activity ? { activityId: filter.activity } : {}),
      ...(filter.since ? { since: filter.since } : {}),
      limit: filter.limit,
      offset: filter.offset,
    });
  }
}

/** Options for {@link serveXapi}. */
export interface XapiServerOptions {
  /** Basic-auth credentials clients must present. */
  username: string;
  password: string;
  port?: number;
  /** Most statements one GET returns (default 100). */
  pageSize?: number;
}

/** A running xAPI Statements API. */
export interface RunningXapiServer {
  /** Base endpoint, e.g. `http://127.0.0.1:4321/xapi/`. */
  readonly endpoint: string;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ExtensionError("PAYLOAD_TOO_LARGE", "the request body is too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Serves the xAPI 1.0.3 Statements API subset on 127.0.0.1: `POST /xapi/statements`
 * (one or many), `PUT /xapi/statements?statementId=`, `GET /xapi/statements` by
 * `statementId`, `voidedStatementId` or filters (`agent`, `verb`, `activity`, `since`,
 * `limit`) with `more` links. Every request needs `X-Experience-API-Version: 1.0.x` and
 * Basic auth; every response carries the version header.
 *
 * @example
 * ```ts
 * const lrs = await serveXapi(new XapiLrs(store, { retentionDays: 365 }), { username: "lrs", password: "secret", port: 0 });
 * ```
 */
export async function serveXapi(lrs: XapiLrs, options: XapiServerOptions): Promise<RunningXapiServer> {
  const expected = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString("base64")}`;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  const pageSize = options.pageSize ?? 100;
  const send = (response: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, {
      "X-Experience-API-Version": XAPI_VERSION,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...headers,
    });
    response.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname.replace(/\/$/, "") === "/xapi/about" && request.method === "GET") return send(response, 200, { version: [XAPI_VERSION] });
    if (url.pathname.replace(/\/$/, "") !== "/xapi/statements") return send(response, 404, { error: "not found" });
    if (!digest(request.headers.authorization ?? "").equals(digest(expected))) return send(response, 401, { error: "authentication required" }, { "WWW-Authenticate": 'Basic realm="xAPI"' });
    const version = request.headers["x-experience-api-version"];
    if (typeof version !== "string" || !/^1\.0(\.[0-9]+)?$/.test(version)) return send(response, 400, { error: "X-Experience-API-Version 1.0.x is required" });
    try {
      if (request.method === "POST") {
        const body = JSON.parse(await readBody(request)) as unknown;
        const list = Array.isArray(body) ? body : [body];
        const ids = lrs.store.transaction(() => list.map((statement) => lrs.record(statement).id));
        return send(response, 200, ids);
      }
      if (request.method === "PUT") {
        const id = url.searchParams.get("statementId");
        if (!id) return send(response, 400, { error: "statementId is required" });
        lrs.record(JSON.parse(await readBody(request)) as unknown, id);
        return send(response, 204);
      }
      if (request.method === "GET") {
        const id = url.searchParams.get("statementId");
        const voidedId = url.searchParams.get("voidedStatementId");
        if (id || voidedId) {
          const found = lrs.get((id ?? voidedId)!, voidedId !== null);
          return found ? send(response, 200, found.statement) : send(response, 404, { error: "no such statement" });
        }
        const agentParam = url.searchParams.get("agent");
        const agent = agentParam ? XapiAgent.safeParse(JSON.parse(agentParam)) : undefined;
        if (agent && !agent.success) return send(response, 400, { error: "agent must be an xAPI Agent with one identifier" });
        const limit = Math.min(Math.max(Number(url.searchParams.get("limit") ?? pageSize) || pageSize, 1), pageSize);
        const offset = Math.max(Number(url.searchParams.get("offset") ?? 0) || 0, 0);
        const rows = lrs.query({
          ...(agent?.success ? { agent: agent.data } : {}),
          ...(url.searchParams.get("verb") ? { verb: url.searchParams.get("verb")! } : {}),
          ...(url.searchParams.get("activity") ? { activity: url.searchParams.get("activity")! } : {}),
          ...(url.searchParams.get("since") ? { since: url.searchParams.get("since")! } : {}),
          limit: limit + 1,
          offset,
        });
        const more = rows.length > limit;
        if (more) {
          url.searchParams.set("offset", String(offset + limit));
          url.searchParams.set("limit", String(limit));
        }
        return send(response, 200, { statements: rows.slice(0, limit).map((row) => row.statement), more: more ? `${url.pathname}?${url.searchParams}` : "" });
      }
      return send(response, 405, { error: "method not allowed" });
    } catch (error) {
      if (error instanceof ExtensionError) return send(response, error.code === "STATEMENT_CONFLICT" ? 409 : error.code === "PAYLOAD_TOO_LARGE" ? 413 : 400, { error: error.message });
      if (error instanceof SyntaxError) return send(response, 400, { error: "the body is not JSON" });
      return send(response, 500, { error: "internal error" });
    }
  };
  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/xapi/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
