import { ExtensionError } from "@mcp-verticals/core";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { RosterBackend } from "../backend/roster-backend.js";
import type { EducationRecords, OneRosterKind } from "../backend/store.js";
import { OrLineItem, OrResult, type OrAcademicSession, type OrCategory, type OrClass, type OrCourse, type OrEnrollment, type OrOrg, type OrUser } from "../schemas/oneroster.js";
import { fromOneRosterWire, ONEROSTER_SERVICE_PATHS, SERVICE_OF_KIND, SINGULAR_OF_KIND, toOneRosterWire } from "./oneroster-wire.js";

/** OneRoster 1.2 OAuth 2 scopes. */
export const ONEROSTER_SCOPES = {
  roster: "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly",
  gradebookRead: "https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.readonly",
  gradebookWrite: "https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.createput",
} as const;

const ROSTERING = ONEROSTER_SERVICE_PATHS.rostering;
const GRADEBOOK = ONEROSTER_SERVICE_PATHS.gradebook;
const SINGULAR = SINGULAR_OF_KIND;
const SERVICE_OF = Object.fromEntries(Object.entries(SERVICE_OF_KIND).map(([kind, service]) => [kind, ONEROSTER_SERVICE_PATHS[service]])) as Record<OneRosterKind, string>;

/** Options for {@link serveOneRosterRest}. */
export interface OneRosterRestServerOptions {
  clientId: string;
  clientSecret: string;
  port?: number;
  /** Scopes granted to the client (default: all three). */
  scopes?: string[];
}

/** A running OneRoster REST provider. */
export interface RunningOneRosterServer {
  /** Base URL, e.g. `http://127.0.0.1:4321`. */
  readonly url: string;
  /** Token endpoint. */
  readonly tokenUrl: string;
  close(): Promise<void>;
}

/** Evaluates the OneRoster `filter` subset `field='value'` joined by ` AND `. */
function matchesFilter(record: unknown, filter: string | null): boolean {
  if (!filter) return true;
  return filter.split(" AND ").every((predicate) => {
    const at = predicate.indexOf("=");
    if (at < 1) throw new ExtensionError("FILTER_INVALID", "unsupported filter");
    const path = predicate.slice(0, at).trim().replace(/!$/, "");
    const negate = predicate.slice(0, at).trim().endsWith("!");
    const raw = predicate.slice(at + 1).trim();
    const value = raw.startsWith("'") && raw.endsWith("'") ? raw.slice(1, -1) : raw;
    let current: unknown = record;
    for (const part of path.split(".")) current = current && typeof current === "object" ? (current as Record<string, unknown>)[part] : undefined;
    const equal = String(current) === value;
    return negate ? !equal : equal;
  });
}

const sha = (value: string) => createHash("sha256").update(value).digest();

/**
 * Serves a OneRoster 1.2 REST provider (rostering and gradebook services) from the
 * embedded store on 127.0.0.1, with OAuth 2 client-credentials tokens at `/oauth/token`.
 * Collections support `limit`, `offset` and the `filter` subset `field='value' AND …`
 * and return `X-Total-Count`; `PUT /lineItems/{id}` and `PUT /results/{id}` write.
 *
 * @example
 * ```ts
 * const provider = await serveOneRosterRest(store, { clientId: "sis", clientSecret: "a-long-secret" });
 * ```
 */
export async function serveOneRosterRest(store: EducationRecords, options: OneRosterRestServerOptions): Promise<RunningOneRosterServer> {
  const tokens = new Map<string, { expires: number; scopes: string[] }>();
  let origin = "";
  const granted = options.scopes ?? Object.values(ONEROSTER_SCOPES);
  const send = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, { "Content-Type": "application/json", ...headers });
    response.end(JSON.stringify(body));
  };
  const failure = (response: ServerResponse, status: number, code: string, description: string) =>
    send(response, status, { imsx_codeMajor: "failure", imsx_severity: "error", imsx_CodeMinor: { imsx_codeMinorField: [{ imsx_codeMinorFieldName: "TargetEndSystem", imsx_codeMinorFieldValue: code }] }, imsx_description: description });
  const body = async (request: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > 1024 * 1024) throw new ExtensionError("PAYLOAD_TOO_LARGE", "body too large");
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString("utf8");
  };
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/oauth/token" && request.method === "POST") {
      const form = new URLSearchParams(await body(request));
      let id = form.get("client_id") ?? "";
      let secret = form.get("client_secret") ?? "";
      const auth = request.headers.authorization ?? "";
      if (auth.startsWith("Basic ")) [id = "", secret = ""] = Buffer.from(auth.slice(6), "base64").toString("utf8").split(":");
      if (form.get("grant_type") !== "client_credentials") return send(response, 400, { error: "unsupported_grant_type" });
      if (!timingSafeEqual(sha(`${id}:${secret}`), sha(`${options.clientId}:${options.clientSecret}`))) return send(response, 401, { error: "invalid_client" });
      const requested = (form.get("scope") ?? granted.join(" ")).split(" ").filter(Boolean);
      const scopes = requested.filter((scope) => granted.includes(scope));
      const token = randomBytes(24).toString("base64url");
      tokens.set(token, { expires: Date.now() + 3_600_000, scopes });
      return send(response, 200, { access_token: token, token_type: "Bearer", expires_in: 3600, scope: scopes.join(" ") });
    }
    const bearer = (request.headers.authorization ?? "").replace(/^Bearer /, "");
    const session = tokens.get(bearer);
    if (!session || session.expires < Date.now()) return failure(response, 401, "unauthorisedrequest", "a valid bearer token is required");
    const service = url.pathname.startsWith(ROSTERING) ? ROSTERING : url.pathname.startsWith(GRADEBOOK) ? GRADEBOOK : undefined;
    if (!service) return failure(response, 404, "unknownobject", "no such endpoint");
    const [collection, id, ...rest] = url.pathname.slice(service.length + 1).split("/");
    const kind = collection as OneRosterKind;
    if (!(kind in SINGULAR) || SERVICE_OF[kind] !== service || rest.length > 0) return failure(response, 404, "unknownobject", "no such endpoint");
    const needed = request.method === "GET" ? (service === ROSTERING ? ONEROSTER_SCOPES.roster : ONEROSTER_SCOPES.gradebookRead) : ONEROSTER_SCOPES.gradebookWrite;
    if (!session.scopes.includes(needed)) return failure(response, 403, "forbidden", "the token lacks the scope for this request");
    try {
      if (request.method === "PUT" && id && (kind === "results" || kind === "lineItems")) {
        const payload = JSON.parse(await body(request)) as Record<string, unknown>;
        const schema = kind === "results" ? OrResult : OrLineItem;
        let record: { sourcedId: string } | undefined;
        try {
          record = fromOneRosterWire<{ sourcedId: string }>(kind, payload[SINGULAR[kind]]);
        } catch {
          record = undefined;
        }
        const parsed = schema.safeParse(record);
        if (!parsed.success || parsed.data.sourcedId !== id) return failure(response, 422, "invaliddata", `the ${SINGULAR[kind]} is not valid`);
        store.putRecords(kind, [parsed.data]);
        // The 1.2 binding answers a PUT with 201 and no body, whether the record is new or replaced.
        response.writeHead(201);
        return response.end();
      }
      if (request.method !== "GET") return failure(response, 405, "invaliddata", "method not allowed");
      if (id) {
        const record = store.getRecord(kind, decodeURIComponent(id));
        return record ? send(response, 200, { [SINGULAR[kind]]: toOneRosterWire(kind, record, origin) }) : failure(response, 404, "unknownobject", "no such record");
      }
      const limit = Math.min(Math.max(Number(url.searchParams.get("limit") ?? 100) || 100, 1), 10_000);
      const offset = Math.max(Number(url.searchParams.get("offset") ?? 0) || 0, 0);
      const all = store.listRecords(kind).filter((record) => matchesFilter(record, url.searchParams.get("filter")));
      const page = all.slice(offset, offset + limit).map((record) => toOneRosterWire(kind, record as object, origin));
      return send(response, 200, { [kind]: page }, { "X-Total-Count": String(all.length) });
    } catch (error) {
      if (error instanceof ExtensionError) return failure(response, 400, "invalid_filter_field", error.message);
      if (error instanceof SyntaxError) return failure(response, 400, "invaliddata", "the body is not JSON");
      return failure(response, 500, "internal_server_error", "internal error");
    }
  };
  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  origin = url;
  return { url, tokenUrl: `${url}/oauth/token`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Options for {@link OneRosterRestClient}. */
export interface OneRosterRestClientOptions {
  /** Base URL of the provider (the part before `/ims/oneroster`). */
  baseUrl: string;
  /** OAuth 2 token endpoint (default `${baseUrl}/oauth/token`). */
  tokenUrl?: string;
  clientId: string;
  clientSecret: string;
  /** Page size for collection reads (default 1000). */
  pageSize?: number;
  fetch?: typeof fetch;
}

/**
 * A {@link RosterBackend} over a remote OneRoster 1.2 REST provider, authenticated with
 * OAuth 2 client credentials (token cached until shortly before expiry). Records are
 * validated, then handed to the privacy gateway like the embedded store's.
 *
 * @example
 * ```ts
 * const roster = new OneRosterRestClient({ baseUrl: "https://sis.example.org", clientId, clientSecret });
 * const classes = await roster.listClasses();
 * ```
 */
export class OneRosterRestClient implements RosterBackend {
  private token: { value: string; expires: number } | undefined;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: OneRosterRestClientOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expires > Date.now() + 30_000) return this.token.value;
    const response = await this.fetch(this.options.tokenUrl ?? `${this.options.baseUrl}/oauth/token`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Authorization: `Basic ${Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString("base64")}`,
      },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: Object.values(ONEROSTER_SCOPES).join(" ") }).toString(),
    });
    if (!response.ok) throw new ExtensionError("ONEROSTER_AUTH_FAILED", `the OneRoster provider refused the client credentials (HTTP ${response.status})`);
    const body = (await response.json()) as { access_token?: string; expires_in?: number };
    if (!body.access_token) throw new ExtensionError("ONEROSTER_AUTH_FAILED", "the OneRoster provider returned no access token");
    this.token = { value: body.access_token, expires: Date.now() + (body.expires_in ?? 300) * 1000 };
    return this.token.value;
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    const send = async () =>
      this.fetch(`${this.options.baseUrl}${path}`, {
        method,
        headers: { Authorization: `Bearer ${await this.accessToken()}`, Accept: "application/json", ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    let response = await send();
    if (response.status === 401) {
      this.token = undefined;
      response = await send();
    }
    return response;
  }

  /** Quotes a value for the OneRoster filter grammar; ids with quotes cannot be expressed and are refused. */
  private static quoted(field: string, value: string): string {
    if (value.includes("'") || value.includes(" AND ") || value.includes(" OR ")) throw new ExtensionError("INVALID_ID", "the identifier cannot be used in a OneRoster filter");
    return `${field}='${value}'`;
  }

  private async collection<T>(kind: OneRosterKind, filter?: string): Promise<T[]> {
    const out: T[] = [];
    const pageSize = this.options.pageSize ?? 1000;
    for (let offset = 0; ; offset += pageSize) {
      const query = new URLSearchParams({ limit: String(pageSize), offset: String(offset), ...(filter ? { filter } : {}) });
      const response = await this.request("GET", `${SERVICE_OF[kind]}/${kind}?${query}`);
      if (!response.ok) throw new ExtensionError("ONEROSTER_UNAVAILABLE", `the OneRoster provider answered HTTP ${response.status}`);
      const body = (await response.json()) as Record<string, unknown>;
      const page = Array.isArray(body[kind]) ? (body[kind] as unknown[]) : [];
      for (const wire of page) {
        const record = fromOneRosterWire<T>(kind, wire);
        if (record !== undefined) out.push(record);
      }
      const total = Number(response.headers.get("X-Total-Count") ?? Number.NaN);
      if (page.length < pageSize || (Number.isFinite(total) && offset + page.length >= total)) return out;
    }
  }

  private async single<T>(kind: OneRosterKind, id: string): Promise<T | undefined> {
    const response = await this.request("GET", `${SERVICE_OF[kind]}/${kind}/${encodeURIComponent(id)}`);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new ExtensionError("ONEROSTER_UNAVAILABLE", `the OneRoster provider answered HTTP ${response.status}`);
    return fromOneRosterWire<T>(kind, ((await response.json()) as Record<string, unknown>)[SINGULAR[kind]]);
  }

  private async put(kind: "results" | "lineItems", record: { sourcedId: string }): Promise<void> {
    const response = await this.request("PUT", `${GRADEBOOK}/${kind}/${encodeURIComponent(record.sourcedId)}`, { [SINGULAR[kind]]: toOneRosterWire(kind, record, this.options.baseUrl) });
    if (!response.ok) throw new ExtensionError("ONEROSTER_WRITE_FAILED", `the OneRoster provider refused the write (HTTP ${response.status})`);
  }

  listOrgs = () => this.collection<OrOrg>("orgs");
  listAcademicSessions = () => this.collection<OrAcademicSession>("academicSessions");
  getAcademicSession = (id: string) => this.single<OrAcademicSession>("academicSessions", id);
  getCourse = (id: string) => this.single<OrCourse>("courses", id);
  listClasses = () => this.collection<OrClass>("classes");
  getClass = (id: string) => this.single<OrClass>("classes", id);
  getUser = (id: string) => this.single<OrUser>("users", id);
  listEnrollments = (filter: { classSourcedId?: string; userSourcedId?: string }) =>
    this.collection<OrEnrollment>(
      "enrollments",
      [filter.classSourcedId ? OneRosterRestClient.quoted("class.sourcedId", filter.classSourcedId) : "", filter.userSourcedId ? OneRosterRestClient.quoted("user.sourcedId", filter.userSourcedId) : ""].filter(Boolean).join(" AND ") || undefined,
    );
  listCategories = () => this.collection<OrCategory>("categories");
  listLineItems = (filter: { classSourcedId?: string }) => this.collection<OrLineItem>("lineItems", filter.classSourcedId ? OneRosterRestClient.quoted("class.sourcedId", filter.classSourcedId) : undefined);
  getLineItem = (id: string) => this.single<OrLineItem>("lineItems", id);
  putLineItem = (lineItem: OrLineItem) => this.put("lineItems", lineItem);
  listResults = (filter: { lineItemSourcedId?: string; classSourcedId?: string; studentSourcedId?: string }) =>
    this.collection<OrResult>(
      "results",
      [
        filter.lineItemSourcedId ? OneRosterRestClient.quoted("lineItem.sourcedId", filter.lineItemSourcedId) : "",
        filter.classSourcedId ? OneRosterRestClient.quoted("class.sourcedId", filter.classSourcedId) : "",
        filter.studentSourcedId ? OneRosterRestClient.quoted("student.sourcedId", filter.studentSourcedId) : "",
      ]
        .filter(Boolean)
        .join(" AND ") || undefined,
    );
  getResult = (id: string) => this.single<OrResult>("results", id);
  putResult = (result: OrResult) => this.put("results", result);
}
