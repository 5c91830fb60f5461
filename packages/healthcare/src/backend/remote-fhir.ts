import { createSign, randomUUID, type KeyObject } from "node:crypto";
import type { Bundle, CapabilityStatement, Resource } from "@medplum/fhirtypes";
import { ExtensionError } from "@mcp-verticals/core";
import type { BackendPage, FhirBackend } from "./fhir-backend.js";
import type { SearchParams } from "./search-engine.js";

/** How the remote backend authenticates. */
export type RemoteFhirAuth =
  | { type: "none" }
  | { type: "bearer"; token: string }
  | {
      /** SMART Backend Services: client_credentials with a private_key_jwt client assertion. */
      type: "smart-backend";
      clientId: string;
      /** PEM private key or a KeyObject (RSA for RS384, EC P-384 for ES384). */
      privateKey: string | KeyObject;
      algorithm?: "RS384" | "ES384";
      /** Key id advertised in the JWT header. */
      keyId?: string;
      scope: string;
      /** Token endpoint; default: discovered from `.well-known/smart-configuration`. */
      tokenUrl?: string;
    };

/** Options for {@link createRemoteFhirBackend}. */
export interface RemoteFhirOptions {
  /** FHIR base URL, e.g. `https://fhir.example.org/r4`. */
  baseUrl: string;
  auth?: RemoteFhirAuth;
  /** Request timeout in ms (default 15 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * Signs a JWT with node:crypto (RS384 or ES384), for SMART Backend Services client assertions.
 *
 * @example
 * ```ts
 * const jwt = signJwt({ iss: "client", sub: "client", aud: tokenUrl, exp, jti }, privateKeyPem, "RS384");
 * ```
 */
export function signJwt(claims: Record<string, unknown>, privateKey: string | KeyObject, algorithm: "RS384" | "ES384", keyId?: string): string {
  const header = Buffer.from(JSON.stringify({ alg: algorithm, typ: "JWT", ...(keyId ? { kid: keyId } : {}) })).toString("base64url");
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const signer = createSign("sha384").update(`${header}.${payload}`);
  const signature = algorithm === "ES384" ? signer.sign({ key: privateKey as never, dsaEncoding: "ieee-p1363" }) : signer.sign(privateKey);
  return `${header}.${payload}.${signature.toString("base64url")}`;
}

/**
 * A FHIR R4 REST backend: read, search (following `link[next]` behind opaque page handles, never
 * exposing URLs), `$everything`, create and update, with bearer or SMART Backend Services auth.
 *
 * @example
 * ```ts
 * const fhir = createRemoteFhirBackend({ baseUrl: "http://127.0.0.1:8080/fhir", auth: { type: "bearer", token } });
 * ```
 */
export function createRemoteFhirBackend(options: RemoteFhirOptions): FhirBackend {
  const base = options.baseUrl.replace(/\/$/, "");
  const origin = new URL(base).origin;
  const doFetch = options.fetch ?? fetch;
  const auth = options.auth ?? { type: "none" };
  const pages = new Map<string, string>();
  let token: { value: string; expires: number } | undefined;

  const accessToken = async (): Promise<string | undefined> => {
    if (auth.type === "none") return undefined;
    if (auth.type === "bearer") return auth.token;
    if (token && token.expires > Date.now() + 10_000) return token.value;
    let tokenUrl = auth.tokenUrl;
    if (!tokenUrl) {
      const discovery = await doFetch(`${base}/.well-known/smart-configuration`);
      tokenUrl = ((await discovery.json()) as { token_endpoint?: string }).token_endpoint;
      if (!tokenUrl) throw new ExtensionError("BACKEND_AUTH_FAILED", "the FHIR server advertises no token endpoint");
    }
    const now = Math.floor(Date.now() / 1000);
    const assertion = signJwt({ iss: auth.clientId, sub: auth.clientId, aud: tokenUrl, exp: now + 240, jti: randomUUID() }, auth.privateKey, auth.algorithm ?? "RS384", auth.keyId);
    const response = await doFetch(tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: auth.scope, client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: assertion }).toString(),
    });
    if (!response.ok) throw new ExtensionError("BACKEND_AUTH_FAILED", "the FHIR authorization server refused the client credentials");
    const body = (await response.json()) as { access_token: string; expires_in?: number };
    token = { value: body.access_token, expires: Date.now() + (body.expires_in ?? 300) * 1000 };
    return token.value;
  };

  const request = async (url: string, init: RequestInit = {}): Promise<Response> => {
    if (!url.startsWith(origin)) throw new ExtensionError("BACKEND_ERROR", "the FHIR server returned a link to another origin");
    const bearer = await accessToken();
    const response = await doFetch(url, {
      ...init,
      headers: { accept: "application/fhir+json", ...(init.body ? { "content-type": "application/fhir+json" } : {}), ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    if (response.status === 401 || response.status === 403) throw new ExtensionError("BACKEND_AUTH_FAILED", "the FHIR server refused the credentials");
    return response;
  };

  const asPage = (bundle: Bundle): BackendPage => {
    const next = bundle.link?.find((link) => link.relation === "next")?.url;
    let handle: string | undefined;
    if (next) {
      handle = randomUUID();
      pages.set(handle, next);
      if (pages.size > 10_000) pages.delete(pages.keys().next().value!);
    }
    return {
      ...(bundle.total !== undefined ? { total: bundle.total } : {}),
      resources: (bundle.entry ?? []).filter((entry) => entry.search?.mode !== "include" && entry.resource && entry.resource.resourceType !== "OperationOutcome").map((entry) => entry.resource!),
      included: (bundle.entry ?? []).filter((entry) => entry.search?.mode === "include" && entry.resource).map((entry) => entry.resource!),
      ...(handle ? { next: handle } : {}),
    };
  };

  const getBundle = async (url: string): Promise<BackendPage> => {
    const response = await request(url);
    if (!response.ok) throw new ExtensionError(response.status === 404 ? "NOT_FOUND" : "BACKEND_ERROR", response.status === 404 ? "not found on the FHIR server" : `the FHIR server answered ${response.status}`);
    return asPage((await response.json()) as Bundle);
  };

  const pageUrl = (page: string): string => {
    const url = pages.get(page);
    if (!url) throw new ExtensionError("INVALID_CURSOR", "the cursor has expired; start again from the first page", { field: "cursor" });
    return url;
  };

  return {
    kind: "remote",
    async capabilities() {
      const response = await request(`${base}/metadata`);
      if (!response.ok) throw new ExtensionError("BACKEND_ERROR", `the FHIR server answered ${response.status}`);
      return (await response.json()) as CapabilityStatement;
    },
    async read(type, id) {
      const response = await request(`${base}/${encodeURIComponent(type)}/${encodeURIComponent(id)}`);
      if (response.status === 404 || response.status === 410) return undefined;
      if (!response.ok) throw new ExtensionError("BACKEND_ERROR", `the FHIR server answered ${response.status}`);
      return (await response.json()) as Resource;
    },
    async search(type, params: SearchParams, { count, page }) {
      if (page) return getBundle(pageUrl(page));
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(params)) for (const item of Array.isArray(value) ? value : [value]) query.append(name, item);
      query.set("_count", String(count));
      return getBundle(`${base}/${encodeURIComponent(type)}?${query}`);
    },
    async everything(patientId, { types, start, end, count, page }) {
      if (page) return getBundle(pageUrl(page));
      const query = new URLSearchParams({ _count: String(count) });
      if (types?.length) query.set("_type", types.join(","));
      if (start) query.set("start", start);
      if (end) query.set("end", end);
      return getBundle(`${base}/Patient/${encodeURIComponent(patientId)}/$everything?${query}`);
    },
    async create(resource) {
      const response = await request(`${base}/${resource.resourceType}`, { method: "POST", body: JSON.stringify(resource) });
      if (!response.ok) throw new ExtensionError("BACKEND_ERROR", `the FHIR server answered ${response.status}`);
      return (await response.json()) as Resource;
    },
    async update(resource) {
      const response = await request(`${base}/${resource.resourceType}/${resource.id}`, { method: "PUT", body: JSON.stringify(resource) });
      if (!response.ok) throw new ExtensionError(response.status === 404 ? "NOT_FOUND" : "BACKEND_ERROR", `the FHIR server answered ${response.status}`);
      return (await response.json()) as Resource;
    },
  };
}
