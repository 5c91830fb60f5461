import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createPublicKey, createVerify, randomBytes, type KeyObject } from "node:crypto";
import type { Bundle, Resource } from "@medplum/fhirtypes";
import { isExtensionError } from "@mcp-verticals/core";
import type { EmbeddedFhirStore } from "./embedded-store.js";
import type { SearchParams } from "./search-engine.js";

/** A SMART Backend Services client the FHIR REST facade accepts (client_credentials + private_key_jwt). */
export interface BackendServicesClient {
  clientId: string;
  /** The client's public key (PEM or JWK). */
  publicKey: string | object;
  /** Scopes this client may be granted. */
  scopes: string[];
}

/** Options for {@link serveFhirRest}. */
export interface FhirRestOptions {
  port?: number;
  host?: string;
  /** Static bearer tokens accepted (besides tokens issued by the token endpoint). */
  bearerTokens?: string[];
  /** Registered SMART Backend Services clients; enables `/auth/token`. */
  backendClients?: BackendServicesClient[];
}

/** A running FHIR REST facade. */
export interface RunningFhirRest {
  /** Base URL, e.g. `http://127.0.0.1:8080/fhir`. */
  url: string;
  close(): Promise<void>;
}

const FHIR_JSON = "application/fhir+json";

function outcome(status: number, code: string, diagnostics: string): { status: number; body: unknown; type?: string } {
  return { status, body: { resourceType: "OperationOutcome", issue: [{ severity: "error", code, diagnostics }] } };
}

function verifyJwt(assertion: string, key: KeyObject): Record<string, unknown> | undefined {
  const [header, payload, signature] = assertion.split(".");
  if (!header || !payload || !signature) return undefined;
  const alg = (JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as { alg?: string }).alg;
  const hash = alg === "RS384" || alg === "ES384" ? "sha384" : alg === "RS256" || alg === "ES256" ? "sha256" : undefined;
  if (!hash) return undefined;
  const verifier = createVerify(hash).update(`${header}.${payload}`);
  const ok = verifier.verify(alg!.startsWith("ES") ? { key, dsaEncoding: "ieee-p1363" } : key, Buffer.from(signature, "base64url"));
  return ok ? (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>) : undefined;
}

/**
 * Serves the embedded store as a FHIR R4 REST API on 127.0.0.1: `metadata`, read, type search
 * with `_count`, `_include`, `_revinclude` and `link[next]` paging, `Patient/{id}/$everything`,
 * create and update; optional bearer auth and a SMART Backend Services token endpoint.
 *
 * @example
 * ```ts
 * const rest = await serveFhirRest(createEmbeddedFhirStore(), { port: 0 });
 * await fetch(`${rest.url}/Patient?gender=female&_count=5`);
 * ```
 */
export async function serveFhirRest(store: EmbeddedFhirStore, options: FhirRestOptions = {}): Promise<RunningFhirRest> {
  const issued = new Set<string>(options.bearerTokens ?? []);
  const authRequired = issued.size > 0 || (options.backendClients?.length ?? 0) > 0;
  const usedJti = new Set<string>();
  let base = "";

  const bundle = (type: "searchset", resources: Resource[], included: Resource[], total: number, self: URL, nextOffset: number | undefined): Bundle => {
    const link = [{ relation: "self", url: self.toString() }];
    if (nextOffset !== undefined) {
      const next = new URL(self);
      next.searchParams.set("_getpagesoffset", String(nextOffset));
      link.push({ relation: "next", url: next.toString() });
    }
    return {
      resourceType: "Bundle",
      type,
      total,
      link,
      entry: [
        ...resources.map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: "match" as const } })),
        ...included.map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: "include" as const } })),
      ],
    };
  };

  const handle = async (request: IncomingMessage, body: string): Promise<{ status: number; body: unknown; type?: string }> => {
    const url = new URL(request.url ?? "/", base);
    const path = url.pathname.replace(/^\/fhir\/?/, "").split("/").filter(Boolean);
    if (request.method === "POST" && path[0] === "auth" && path[1] === "token") {
      const form = new URLSearchParams(body);
      if (form.get("grant_type") !== "client_credentials" || form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
        return { status: 400, body: { error: "invalid_request" }, type: "application/json" };
      }
      const assertion = form.get("client_assertion") ?? "";
      const claims = JSON.parse(Buffer.from(assertion.split(".")[1] ?? "", "base64url").toString("utf8") || "{}") as Record<string, unknown>;
      const client = options.backendClients?.find((candidate) => candidate.clientId === claims.iss);
      const verified = client ? verifyJwt(assertion, createPublicKey(typeof client.publicKey === "string" ? client.publicKey : { key: client.publicKey as never, format: "jwk" })) : undefined;
      const now = Math.floor(Date.now() / 1000);
      if (!client || !verified || verified.sub !== client.clientId || verified.aud !== `${base}/auth/token` || typeof verified.exp !== "number" || verified.exp < now || verified.exp > now + 300 || typeof verified.jti !== "string" || usedJti.has(verified.jti)) {
        return { status: 401, body: { error: "invalid_client" }, type: "application/json" };
      }
      usedJti.add(verified.jti);
      const requested = (form.get("scope") ?? "").split(/\s+/).filter(Boolean);
      const granted = requested.filter((scope) => client.scopes.includes(scope));
      const token = randomBytes(24).toString("base64url");
      issued.add(token);
      return { status: 200, body: { access_token: token, token_type: "bearer", expires_in: 300, scope: granted.join(" ") }, type: "application/json" };
    }
    if (path[0] === ".well-known" && path[1] === "smart-configuration") {
      return {
        status: 200,
        type: "application/json",
        body: { token_endpoint: `${base}/auth/token`, grant_types_supported: ["client_credentials"], token_endpoint_auth_methods_supported: ["private_key_jwt"], token_endpoint_auth_signing_alg_values_supported: ["RS384", "ES384"], scopes_supported: ["system/*.rs"], capabilities: ["client-confidential-asymmetric"] },
      };
    }
    if (path[0] !== "metadata" && authRequired) {
      const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? "")?.[1];
      if (!token || !issued.has(token)) return outcome(401, "login", "a valid bearer token is required");
    }
    if (path[0] === "metadata") return { status: 200, body: await store.capabilities() };
    const [type, id, operation] = path;
    if (!type) return outcome(404, "not-found", "unknown path");
    if (request.method === "POST" && !id) {
      const created = await store.create(JSON.parse(body) as Resource);
      return { status: 201, body: created };
    }
    if (request.method === "PUT" && id) {
      const updated = await store.update({ ...(JSON.parse(body) as Resource), id } as Resource);
      return { status: 200, body: updated };
    }
    if (request.method !== "GET") return outcome(405, "not-supported", "method not supported");
    const count = Math.min(Math.max(Number(url.searchParams.get("_count") ?? 20) || 20, 1), 500);
    const offset = Math.max(Number(url.searchParams.get("_getpagesoffset") ?? 0) || 0, 0);
    if (type === "Patient" && id && operation === "$everything") {
      const types = url.searchParams.get("_type")?.split(",").filter(Boolean);
      const page = await store.everything(id, { ...(types ? { types } : {}), ...(url.searchParams.get("start") ? { start: url.searchParams.get("start")! } : {}), ...(url.searchParams.get("end") ? { end: url.searchParams.get("end")! } : {}), count, page: String(offset) });
      return { status: 200, body: bundle("searchset", page.resources, [], page.total ?? page.resources.length, url, page.next ? Number(page.next) : undefined) };
    }
    if (id) {
      const resource = await store.read(type, id);
      return resource ? { status: 200, body: resource } : outcome(404, "not-found", "resource not found");
    }
    const params: SearchParams = {};
    for (const [name, value] of url.searchParams) {
      if (name === "_count" || name === "_getpagesoffset") continue;
      const existing = params[name];
      params[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
    }
    const page = await store.search(type, params, { count, page: String(offset) });
    return { status: 200, body: bundle("searchset", page.resources, page.included, page.total ?? 0, url, page.next ? Number(page.next) : undefined) };
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      handle(request, Buffer.concat(chunks).toString("utf8"))
        .catch((error: unknown) => (isExtensionError(error) ? outcome(error.code === "NOT_FOUND" ? 404 : 400, error.code === "NOT_FOUND" ? "not-found" : "invalid", error.message) : outcome(500, "exception", "internal error")))
        .then((result) => {
          response.writeHead(result.status, { "content-type": result.type ?? FHIR_JSON });
          response.end(JSON.stringify(result.body));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  base = `http://${options.host ?? "127.0.0.1"}:${port}/fhir`;
  return { url: base, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
