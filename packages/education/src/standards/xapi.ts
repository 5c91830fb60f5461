import { ExtensionError, canonicalJson } from "@mcp-verticals/core";
import { randomUUID, createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { XAPI_VOIDED_VERB, XapiActor, XapiStatement } from "../schemas/xapi.js";
import type { EducationRecords, StoredStatement } from "../backend/store.js";
import { agentKey } from "./xapi-agent.js";
import { XAPI_DOCUMENT_PATHS, XapiDocuments, xapiDocumentAddress } from "./xapi-documents.js";

export { agentKey } from "./xapi-agent.js";

/** The xAPI version this LRS speaks. */
export const XAPI_VERSION = "1.0.3";

const invalid = (message: string, field = "statement") => new ExtensionError("STATEMENT_INVALID", message, { field });

/** The message for a failed statement: where, and which rule, never the value sent. */
function describeIssue(issue: z.core.$ZodIssue | undefined): { message: string; field: string } {
  const path = issue?.path.map(String).join(".") || "statement";
  if (!issue) return { message: "the statement is not valid xAPI 1.0.3", field: path };
  if (issue.code === "unrecognized_keys") return { message: `the statement has a property xAPI 1.0.3 does not define at ${path}`, field: path };
  if (issue.code === "invalid_union") return { message: `the statement is not valid xAPI 1.0.3 at ${path}: it matches none of the allowed object types`, field: path };
  const rule = issue.code === "custom" || issue.code === "invalid_format" || issue.code === "too_small" || issue.code === "too_big" ? `: ${issue.message}` : "";
  return { message: `the statement is not valid xAPI 1.0.3 at ${path}${rule}`, field: path };
}

/**
 * Validates a statement against the full xAPI 1.0.3 model (unknown properties refused).
 *
 * @example
 * ```ts
 * validateXapiStatement({ actor: { mbox: "mailto:a@example.org" }, verb: { id: "http://adlnet.gov/expapi/verbs/completed" }, object: { id: "https://example.org/a/1" } });
 * ```
 * @throws ExtensionError `STATEMENT_INVALID` with the path of the first problem as `field`.
 * @category xAPI
 */
export function validateXapiStatement(input: unknown): XapiStatement {
  const parsed = XapiStatement.safeParse(input);
  if (parsed.success) return parsed.data;
  const { message, field } = describeIssue(parsed.error.issues[0]);
  throw invalid(message, field);
}

/**
 * A stored statement as the LRS returns it: exactly as stored, except that every
 * `contextActivities` value is an array (xAPI 1.0.3 §2.4.6.2: the LRS MUST return a single
 * Activity as an array of length one).
 *
 * @example
 * ```ts
 * returnedStatement(entry.statement).context?.contextActivities?.parent; // always an array
 * ```
 * @category xAPI
 */
export function returnedStatement(statement: XapiStatement): XapiStatement {
  const arrays = (context: XapiStatement["context"]) => {
    if (!context?.contextActivities) return context;
    const activities = Object.fromEntries(Object.entries(context.contextActivities).map(([key, value]) => [key, Array.isArray(value) ? value : [value]]));
    return { ...context, contextActivities: activities };
  };
  const object = statement.object.objectType === "SubStatement" && statement.object.context ? { ...statement.object, context: arrays(statement.object.context) } : statement.object;
  return { ...statement, ...(statement.context ? { context: arrays(statement.context) } : {}), object } as XapiStatement;
}

/** The authority this LRS records for statements recorded by its own bindings. */
export const XAPI_SERVER_AUTHORITY = { objectType: "Agent", account: { homePage: "urn:mcp-verticals:education:lrs", name: "mcp-education" } } as const;

/**
 * A minimal xAPI 1.0.3 learning record store over the embedded store: validates
 * statements against the full model, stores them exactly as sent (adding only the
 * LRS-assigned `id`, `stored`, `timestamp`, `version` and `authority`), handles voiding,
 * refuses conflicting ids, and purges statements past the retention window.
 */
export class XapiLrs {
  constructor(
    readonly store: EducationRecords,
    private readonly options: { retentionDays: number; now?: () => number },
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Deletes statements older than the retention window. */
  purgeExpired(): number {
    return this.store.purgeStatements(new Date(this.now() - this.options.retentionDays * 86_400_000).toISOString());
  }

  /**
   * Validates and stores one statement; returns its entry. Same id and same content is a
   * no-op. `authority` is the credential's (xAPI: the LRS SHOULD overwrite it from the
   * credentials), so a client cannot assert statements in someone else's name.
   */
  record(input: unknown, id?: string, authority: XapiActor = XAPI_SERVER_AUTHORITY): StoredStatement {
    const statement = validateXapiStatement(input);
    if (id !== undefined && !z.uuid().safeParse(id).success) throw invalid("statementId must be a UUID", "id");
    if (id !== undefined && statement.id !== undefined && statement.id.toLowerCase() !== id.toLowerCase()) throw invalid("the statementId parameter and the statement id differ", "id");
    const statementId = (id ?? statement.id ?? randomUUID()).toLowerCase();
    const existing = this.store.getStatement(statementId);
    const stored = new Date(this.now()).toISOString();
    // The statement as sent, property for property; only LRS-assigned properties are added.
    const full = { ...(input as Record<string, unknown>), id: statement.id ?? statementId, timestamp: statement.timestamp ?? stored, stored, version: statement.version ?? "1.0.0", authority } as XapiStatement;
    if (existing) {
      const strip = (s: XapiStatement) => canonicalJson({ ...s, id: s.id?.toLowerCase(), stored: undefined, timestamp: undefined, version: undefined, authority: undefined });
      if (strip(existing.statement) === strip(full)) return existing;
      throw new ExtensionError("STATEMENT_CONFLICT", "a different statement with this id already exists", { field: "id" });
    }
    const isVoiding = full.verb.id === XAPI_VOIDED_VERB;
    if (isVoiding) {
      if (full.object.objectType !== "StatementRef") throw invalid("a voiding statement's object must be a StatementRef", "object");
      const target = this.store.getStatement(full.object.id.toLowerCase());
      if (target && target.verb === XAPI_VOIDED_VERB) throw invalid("a voiding statement cannot be voided", "object");
    }
    const object = full.object;
    const entry: StoredStatement = {
      id: statementId,
      stored,
      actorKey: agentKey(full.actor),
      verb: full.verb.id,
      activityId: object.objectType === undefined || object.objectType === "Activity" ? object.id : "",
      voided: false,
      statement: full,
    };
    this.store.transaction(() => {
      this.store.putStatement(entry);
      if (isVoiding && object.objectType === "StatementRef") this.store.voidStatement(object.id.toLowerCase());
    });
    return entry;
  }

  /** One statement (voided ones only through `voidedStatementId`, as the spec requires). */
  get(id: string, voided = false): StoredStatement | undefined {
    const found = this.store.getStatement(id.toLowerCase());
    return found && found.voided === voided ? found : undefined;
  }

  /** Statements newest first. */
  query(filter: { agent?: XapiActor; verb?: string; activity?: string; since?: string; limit: number; offset: number }): StoredStatement[] {
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
  /** Clock for document timestamps (default `Date.now`). */
  now?: () => number;
}

/** A running xAPI Statements API. */
export interface RunningXapiServer {
  /** Base endpoint, e.g. `http://127.0.0.1:4321/xapi/`. */
  readonly endpoint: string;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<string> {
  return (await readBytes(request)).toString("utf8");
}

async function readBytes(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ExtensionError("PAYLOAD_TOO_LARGE", "the request body is too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Serves the xAPI 1.0.3 Statements API subset on 127.0.0.1: `POST /xapi/statements`
 * (one or many), `PUT /xapi/statements?statementId=`, `GET /xapi/statements` by
 * `statementId`, `voidedStatementId` or filters (`agent`, `verb`, `activity`, `since`,
 * `limit`) with `more` links; the document resources `/xapi/activities/state`,
 * `/xapi/activities/profile` and `/xapi/agents/profile` (GET, PUT, POST merge, DELETE, ETag concurrency); and
 * `GET /xapi/about` without credentials. Every other request needs
 * `X-Experience-API-Version: 1.0.x` and Basic auth; every response carries the version header.
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
  let authority: XapiActor = XAPI_SERVER_AUTHORITY;
  const documents = new XapiDocuments(lrs.store, options.now);
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
    const path = url.pathname.replace(/\/$/, "");
    const documentKind = XAPI_DOCUMENT_PATHS[path];
    if (path !== "/xapi/statements" && !documentKind) return send(response, 404, { error: "not found" });
    if (!digest(request.headers.authorization ?? "").equals(digest(expected))) return send(response, 401, { error: "authentication required" }, { "WWW-Authenticate": 'Basic realm="xAPI"' });
    const version = request.headers["x-experience-api-version"];
    if (typeof version !== "string" || !/^1\.0(\.[0-9]+)?$/.test(version)) return send(response, 400, { error: "X-Experience-API-Version 1.0.x is required" });
    try {
      if (documentKind) {
        const header = (name: string) => (typeof request.headers[name] === "string" ? (request.headers[name] as string) : undefined);
        const address = xapiDocumentAddress(documentKind, url.searchParams);
        const body = request.method === "PUT" || request.method === "POST" ? await readBytes(request) : undefined;
        const reply = documents.handle(request.method ?? "GET", address, { ifMatch: header("if-match"), ifNoneMatch: header("if-none-match"), contentType: header("content-type") }, body);
        response.writeHead(reply.status, { "X-Experience-API-Version": XAPI_VERSION, ...reply.headers });
        return response.end(reply.body);
      }
      if (request.method === "POST") {
        const body = JSON.parse(await readBody(request)) as unknown;
        const list = Array.isArray(body) ? body : [body];
        const ids = lrs.store.transaction(() => list.map((statement) => lrs.record(statement, undefined, authority).id));
        return send(response, 200, ids);
      }
      if (request.method === "PUT") {
        const id = url.searchParams.get("statementId");
        if (!id) return send(response, 400, { error: "statementId is required" });
        lrs.record(JSON.parse(await readBody(request)) as unknown, id, authority);
        return send(response, 204);
      }
      if (request.method === "GET") {
        const id = url.searchParams.get("statementId");
        const voidedId = url.searchParams.get("voidedStatementId");
        if (id || voidedId) {
          const found = lrs.get((id ?? voidedId)!, voidedId !== null);
          return found ? send(response, 200, returnedStatement(found.statement)) : send(response, 404, { error: "no such statement" });
        }
        const agentParam = url.searchParams.get("agent");
        const agent = agentParam ? XapiActor.safeParse(JSON.parse(agentParam)) : undefined;
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
        return send(response, 200, { statements: rows.slice(0, limit).map((row) => returnedStatement(row.statement)), more: more ? `${url.pathname}?${url.searchParams}` : "" });
      }
      return send(response, 405, { error: "method not allowed" });
    } catch (error) {
      if (error instanceof ExtensionError) return send(response, error.code === "STATEMENT_CONFLICT" ? 409 : error.code === "PAYLOAD_TOO_LARGE" ? 413 : 400, { error: error.message, ...(error.field ? { field: error.field } : {}) });
      if (error instanceof SyntaxError) return send(response, 400, { error: "the body is not JSON" });
      return send(response, 500, { error: "internal error" });
    }
  };
  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  authority = { objectType: "Agent", account: { homePage: `http://127.0.0.1:${port}/xapi/`, name: options.username } };
  return {
    endpoint: `http://127.0.0.1:${port}/xapi/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
