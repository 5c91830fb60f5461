import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A OneRoster 1.2 provider built only from 1EdTech's published OpenAPI documents (the excerpts
 * in `oneroster-1p2/`): routes come from their `paths`, every request is checked against the
 * operation's parameters, security scopes and request body, and every response against the
 * operation's response schema before it is sent. Nothing here imports this package's types.
 */

type Json = Record<string, any>;
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
type Document = { name: string; basePath: string; doc: Json; ajv: Ajv };

/** Something the document did not allow, found in a request or in a response. */
export interface OpenApiViolation {
  operationId: string;
  stage: "route" | "request" | "response";
  message: string;
}

/** A running provider. */
export interface OpenApiOneRosterProvider {
  readonly url: string;
  readonly tokenUrl: string;
  /** Requests and responses the documents did not allow (a test expects none). */
  readonly violations: OpenApiViolation[];
  /** The operations served, in order. */
  readonly served: string[];
  /** Records per collection (`classes`, `results`…), in the binding's JSON form. */
  readonly data: Map<string, Map<string, Json>>;
  close(): Promise<void>;
}

const DOCUMENTS = ["rostering", "gradebook"].map((name): Document => {
  const doc = JSON.parse(readFileSync(new URL(`./oneroster-1p2/${name}-v1p2.openapi.json`, import.meta.url), "utf8")) as Json;
  // OpenAPI 3.0 schemas are JSON Schema with a few extra formats; int32 and float only describe number widths.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat("int32", true);
  ajv.addFormat("float", true);
  ajv.addSchema(doc, name);
  return { name, basePath: doc.servers[0].variables.basePath.default as string, doc, ajv };
});

const validators = new Map<string, ValidateFunction>();
function validatorFor(document: Document, schema: Json): ValidateFunction {
  const key = `${document.name}:${JSON.stringify(schema)}`;
  let validate = validators.get(key);
  if (!validate) {
    const ref = typeof schema.$ref === "string" ? `${document.name}${schema.$ref}` : undefined;
    validate = ref ? document.ajv.getSchema(ref)! : document.ajv.compile(schema);
    validators.set(key, validate);
  }
  return validate;
}
const explain = (validate: ValidateFunction) => (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ");

/** Resolves a `$ref` to its component schema. */
const component = (document: Document, schema: Json): Json => (schema.$ref ? document.doc.components.schemas[String(schema.$ref).split("/").pop()!] : schema);

/** Every scope either document declares. */
export const DECLARED_SCOPES = new Set(DOCUMENTS.flatMap((d) => Object.keys(d.doc.components.securitySchemes.OAuth2CC.flows.clientCredentials.scopes as Json)));

interface Route {
  document: Document;
  method: string;
  pattern: RegExp;
  collection: string;
  single: boolean;
  operation: Json;
}

const ROUTES: Route[] = DOCUMENTS.flatMap((document) =>
  Object.entries(document.doc.paths as Json).flatMap(([template, methods]) =>
    Object.entries(methods as Json).map(([method, operation]): Route => {
      const segments = template.split("/").filter(Boolean);
      const pattern = new RegExp(`^${document.basePath}/${segments.map((s) => (s.startsWith("{") ? "([^/]+)" : s)).join("/")}$`);
      return { document, method: method.toUpperCase(), pattern, collection: segments[0]!, single: segments.length > 1, operation: operation as Json };
    }),
  ),
);

/**
 * Validates a response body against what the published documents declare for one operation
 * and status; returns the problems (empty when it fits).
 */
export function checkOneRosterResponse(operationId: string, status: number, body: unknown, headers: Record<string, string | null> = {}): string[] {
  const route = ROUTES.find((r) => r.operation.operationId === operationId);
  if (!route) return [`no operation ${operationId} in the documents`];
  const declared = route.operation.responses[String(status)] ?? route.operation.responses.default;
  if (!declared) return [`status ${status} is not declared`];
  const problems: string[] = [];
  const schema = declared.content?.["application/json"]?.schema;
  if (schema) {
    const validate = validatorFor(route.document, schema);
    if (!validate(body)) problems.push(explain(validate));
  } else if (body !== undefined && body !== "") problems.push(`status ${status} declares no body`);
  for (const [name, header] of Object.entries((declared.headers ?? {}) as Json)) {
    const value = headers[name.toLowerCase()] ?? headers[name];
    if (value !== undefined && value !== null && header.schema?.type === "integer" && !/^\d+$/.test(value)) problems.push(`header ${name} is not an integer`);
  }
  return problems;
}

/** Evaluates the OneRoster filter predicates `field='value'` / `field!='value'` joined by ` AND `. */
function filterOf(filter: string): (record: Json) => boolean {
  const predicates = filter.split(" AND ").map((text) => {
    const match = /^([A-Za-z.]+)(!=|=)'([^']*)'$/.exec(text.trim());
    if (!match) throw new Error("invalid_filter_field");
    const [, path, op, value] = match as unknown as [string, string, string, string];
    return (record: Json) => {
      let current: unknown = record;
      for (const part of path.split(".")) current = current && typeof current === "object" ? (current as Json)[part] : undefined;
      return (String(current) === value) === (op === "=");
    };
  });
  return (record) => predicates.every((p) => p(record));
}

/**
 * Starts the provider on 127.0.0.1 with OAuth 2 client credentials at `/oauth/token`.
 * `records(baseUrl)` gives the initial records per collection in the binding's JSON form.
 */
export async function serveOneRosterFromOpenApi(options: { clientId: string; clientSecret: string; records: (baseUrl: string) => Record<string, Json[]> }): Promise<OpenApiOneRosterProvider> {
  const violations: OpenApiViolation[] = [];
  const served: string[] = [];
  const data = new Map<string, Map<string, Json>>();
  const tokens = new Map<string, string[]>();
  const readBody = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  };
  const imsx = (minor: string, description: string) => ({
    imsx_codeMajor: "failure",
    imsx_severity: "error",
    imsx_description: description,
    imsx_CodeMinor: { imsx_codeMinorField: [{ imsx_codeMinorFieldName: "TargetEndSystem", imsx_codeMinorFieldValue: minor }] },
  });

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/oauth/token" && request.method === "POST") {
      const form = new URLSearchParams(await readBody(request));
      const [id, secret] = Buffer.from((request.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString("utf8").split(":");
      if (form.get("grant_type") !== "client_credentials" || id !== options.clientId || secret !== options.clientSecret) {
        response.writeHead(401, { "Content-Type": "application/json" });
        return response.end(JSON.stringify({ error: "invalid_client" }));
      }
      const scopes = (form.get("scope") ?? "").split(" ").filter((scope) => DECLARED_SCOPES.has(scope));
      const token = randomBytes(24).toString("base64url");
      tokens.set(token, scopes);
      response.writeHead(200, { "Content-Type": "application/json" });
      return response.end(JSON.stringify({ access_token: token, token_type: "Bearer", expires_in: 3600, scope: scopes.join(" ") }));
    }
    const route = ROUTES.find((r) => r.method === request.method && r.pattern.test(url.pathname));
    if (!route) {
      violations.push({ operationId: `${request.method} ${url.pathname}`, stage: "route", message: "no operation in the published documents" });
      response.writeHead(404, { "Content-Type": "application/json" });
      return response.end(JSON.stringify(imsx("unknownobject", "no such operation")));
    }
    const { operation, document } = route;
    const operationId = String(operation.operationId);
    served.push(operationId);
    const reply = (status: number, body?: Json, headers: Record<string, string> = {}) => {
      for (const message of checkOneRosterResponse(operationId, status, body, Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))))
        violations.push({ operationId, stage: "response", message });
      if (body === undefined) {
        response.writeHead(status, headers);
        return response.end();
      }
      response.writeHead(status, { "Content-Type": "application/json", ...headers });
      return response.end(JSON.stringify(body));
    };
    const refuse = (status: number, minor: string, message: string) => {
      violations.push({ operationId, stage: "request", message });
      return reply(status, imsx(minor, message));
    };

    // Security: the token must carry one of the scopes the operation lists.
    const granted = tokens.get((request.headers.authorization ?? "").replace(/^Bearer /, ""));
    if (!granted) return reply(401, imsx("unauthorisedrequest", "a bearer token is required"));
    const wanted = (operation.security as Json[]).flatMap((entry) => entry.OAuth2CC as string[]);
    if (!wanted.some((scope) => granted.includes(scope))) return refuse(403, "forbidden", `the token has none of ${wanted.join(", ")}`);

    // Parameters: only the declared ones, each of its declared type.
    const declared = (operation.parameters ?? []) as Json[];
    const query: Json = {};
    for (const [name, raw] of url.searchParams) {
      const parameter = declared.find((p) => p.in === "query" && p.name === name);
      if (!parameter) return refuse(400, "invalid_selection_field", `query parameter ${name} is not declared`);
      if (raw === "" && parameter.allowEmptyValue === false) return refuse(400, "invalid_selection_field", `query parameter ${name} is empty`);
      const type = parameter.schema.type;
      const value = type === "integer" ? (/^-?\d+$/.test(raw) ? Number(raw) : raw) : type === "array" ? raw.split(",") : raw;
      const validate = validatorFor(document, parameter.schema);
      if (!validate(value)) return refuse(400, "invalid_selection_field", `query parameter ${name}: ${explain(validate)}`);
      query[name] = value;
    }
    const pathValues = (route.pattern.exec(url.pathname) ?? []).slice(1).map(decodeURIComponent);
    const sourcedId = pathValues[0];
    const records = data.get(route.collection) ?? new Map<string, Json>();
    data.set(route.collection, records);

    if (route.method === "PUT") {
      const schema = operation.requestBody?.content?.["application/json"]?.schema;
      if (!String(request.headers["content-type"] ?? "").startsWith("application/json")) return refuse(415, "invaliddata", "the body must be application/json");
      let body: unknown;
      try {
        body = JSON.parse(await readBody(request));
      } catch {
        return refuse(422, "invaliddata", "the body is not JSON");
      }
      const validate = validatorFor(document, schema);
      if (!validate(body)) return refuse(422, "invaliddata", `request body: ${explain(validate)}`);
      const key = Object.keys(component(document, schema).properties)[0]!;
      const record = (body as Json)[key] as Json;
      if (record.sourcedId !== sourcedId) return refuse(422, "invaliddata", "the body's sourcedId differs from the path");
      records.set(sourcedId!, record);
      return reply(201);
    }
    const okSchema = component(document, operation.responses["200"].content["application/json"].schema);
    const key = Object.keys(okSchema.properties)[0]!;
    if (route.single) {
      const record = records.get(sourcedId!);
      return record ? reply(200, { [key]: record }) : reply(404, imsx("unknownobject", "no such record"));
    }
    let matches: (record: Json) => boolean = () => true;
    try {
      if (typeof query.filter === "string") matches = filterOf(query.filter);
    } catch {
      return refuse(400, "invalid_filter_field", "the filter is not understood");
    }
    const limitDefault = declared.find((p) => p.name === "limit")?.schema.default ?? 100;
    const all = [...records.values()].filter(matches);
    const offset = (query.offset as number | undefined) ?? 0;
    const page = all.slice(offset, offset + ((query.limit as number | undefined) ?? limitDefault));
    return reply(200, { [key]: page }, { "X-Total-Count": String(all.length) });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const [collection, list] of Object.entries(options.records(url))) data.set(collection, new Map(list.map((record) => [String(record.sourcedId), record])));
  return {
    url,
    tokenUrl: `${url}/oauth/token`,
    violations,
    served,
    data,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
