import { createSign, randomUUID, type KeyObject } from "node:crypto";
import type { CapabilityStatement, Resource } from "@medplum/fhirtypes";
import { ExtensionError, type StateStore } from "@mcp-verticals/core";
import type { FhirBackend } from "./fhir-backend.js";
import { createRemotePaging, fallbackCapabilityStatement } from "./remote-fallbacks.js";
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
  /**
   * Most resources gathered from type searches when the server has no `Patient/$everything`
   * (default 2000); a larger record is refused with `OPERATION_NOT_SUPPORTED`.
   */
  everythingFallbackLimit?: number;
  /** Shared state for page handles, so cursors stay valid on every replica sharing it (default: this process only). */
  state?: StateStore;
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
 * Where a server lacks a feature the tools rely on, it falls back on plain reads and searches:
 * `_offset` paging without `next` links, `_include`/`_revinclude` resolved by reads and searches,
 * `$everything` gathered from per-type searches, and an assumed CapabilityStatement.
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

  const request = async (url: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> => {
    if (!url.startsWith(origin)) throw new ExtensionError("BACKEND_ERROR", "the FHIR server returned a link to another origin");
    const bearer = await accessToken();
    const response = await doFetch(url, {
      ...init,
      headers: { accept: "application/fhir+json", ...(init.body ? { "content-type": "application/fhir+json" } : {}), ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...init.headers },
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    if (response.status === 401 || response.status === 403) throw new ExtensionError("BACKEND_AUTH_FAILED", "the FHIR server refused the credentials");
    return response;
  };

  const get = async (url: string): Promise<{ status: number; body: any }> => {
    const response = await request(url);
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ExtensionError("BACKEND_ERROR", "the FHIR server answered with something other than JSON");
    }
    return { status: response.status, body };
  };
  const readResource = async (type: string, id: string): Promise<Resource | undefined> => {
    const { status, body } = await get(`${base}/${encodeURIComponent(type)}/${encodeURIComponent(id)}`);
    if (status === 404 || status === 410) return undefined;
    if (status < 200 || status >= 300) throw new ExtensionError("BACKEND_ERROR", `the FHIR server answered ${status}`);
    return body as Resource;
  };
  const paging = createRemotePaging({ base, get, limit: options.everythingFallbackLimit ?? 2000, state: options.state });

  return {
    kind: "remote",
    async capabilities() {
      const { status, body } = await get(`${base}/metadata`);
      if (status >= 200 && status < 300 && body?.resourceType === "CapabilityStatement") return body as CapabilityStatement;
      if (status === 401 || status === 403) throw new ExtensionError("BACKEND_AUTH_FAILED", "the FHIR server refused the credentials");
      // A server without a CapabilityStatement (e.g. a bare FHIR router): say so, and describe what these tools can do with it.
      return fallbackCapabilityStatement();
    },
    read: readResource,
    search: (type, params: SearchParams, { count, page }) => paging.search(type, params, count, page),
    everything: (patientId, { types, start, end, count, page }) => paging.everything(patientId, { ...(types ? { types } : {}), ...(start ? { start } : {}), ...(end ? { end } : {}) }, count, page),
    async create(resource) {
      const response = await request(`${base}/${resource.resourceType}`, { method: "POST", body: JSON.stringify(resource) });
      if (!response.ok) throw new ExtensionError("BACKEND_ERROR", `the FHIR server answered ${response.status}`);
      return (await response.json()) as Resource;
    },
    async update(resource) {
      // As in the embedded store, an update needs an existing resource: FHIR servers may create on PUT (update-as-create).
      const current = resource.id ? await readResource(resource.resourceType, resource.id) : undefined;
      if (!current) throw new ExtensionError("NOT_FOUND", "no resource with that id to update", { field: "resource.id" });
      const version = current.meta?.versionId;
      const response = await request(`${base}/${resource.resourceType}/${encodeURIComponent(resource.id!)}`, { method: "PUT", body: JSON.stringify(resource), ...(version ? { headers: { "if-match": `W/"${version}"` } } : {}) });
      if (response.status === 409 || response.status === 412) throw new ExtensionError("BACKEND_ERROR", "the resource changed on the FHIR server meanwhile; read it again");
      if (!response.ok) throw new ExtensionError(response.status === 404 ? "NOT_FOUND" : "BACKEND_ERROR", `the FHIR server answered ${response.status}`);
      return (await response.json()) as Resource;
    },
  };
}
