import { ExtensionError } from "@mcp-verticals/core";
import { createHash } from "node:crypto";
import { z } from "zod";
import type { EducationRecords, StoredXapiDocument } from "../backend/store.js";
import { XapiActor } from "../schemas/xapi.js";
import { isXapiTimestamp } from "../schemas/xapi-formats.js";
import { agentKey } from "./xapi-agent.js";

/** The three xAPI 1.0.3 document resources (Part Three §2.3 State, §2.5 Activity Profile, §2.6 Agent Profile). */
export type XapiDocumentKind = StoredXapiDocument["kind"];

/** Where a document lives: its resource, scope, registration and (for single-document requests) its id. */
export interface XapiDocumentAddress {
  kind: XapiDocumentKind;
  scope: string;
  registration: string;
  id?: string;
}

/** The outcome of a document request, ready for HTTP. */
export interface XapiDocumentReply {
  status: number;
  body?: Buffer | string;
  headers?: Record<string, string>;
}

/** The query parameters each resource takes (anything else is refused, Part Three §2.1). */
const PARAMETERS: Record<XapiDocumentKind, { scope: string[]; id: string; optional: string[] }> = {
  state: { scope: ["activityId", "agent"], id: "stateId", optional: ["registration", "since"] },
  activityProfile: { scope: ["activityId"], id: "profileId", optional: ["since"] },
  agentProfile: { scope: ["agent"], id: "profileId", optional: ["since"] },
};

const badRequest = (message: string, field: string) => new ExtensionError("XAPI_DOCUMENT_INVALID", message, { field });
const etagOf = (content: Buffer) => `"${createHash("sha1").update(content).digest("hex")}"`;
const isJsonType = (contentType: string) => /^application\/json\b/i.test(contentType);
const asObject = (content: Buffer): Record<string, unknown> | undefined => {
  try {
    const value = JSON.parse(content.toString("utf8")) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Reads a document request's address from its query parameters: the resource's required
 * scope parameters, the document id, `registration` (a UUID) and `since` (a timestamp).
 *
 * @throws ExtensionError `XAPI_DOCUMENT_INVALID` naming the parameter at fault.
 * @example
 * ```ts
 * xapiDocumentAddress("activityProfile", new URLSearchParams("activityId=https://example.org/a&profileId=p1"));
 * ```
 * @category xAPI
 */
export function xapiDocumentAddress(kind: XapiDocumentKind, params: URLSearchParams): XapiDocumentAddress & { since?: string } {
  const spec = PARAMETERS[kind];
  const known = new Set([...spec.scope, spec.id, ...spec.optional]);
  for (const name of params.keys()) if (!known.has(name)) throw badRequest(`the ${name} parameter is not defined for this resource`, name);
  const parts: string[] = [];
  for (const name of spec.scope) {
    const value = params.get(name);
    if (!value) throw badRequest(`the ${name} parameter is required`, name);
    if (name === "activityId") {
      if (!z.url().safeParse(value).success) throw badRequest("activityId must be an IRI", name);
      parts.push(value);
    } else {
      let agent: unknown;
      try {
        agent = JSON.parse(value);
      } catch {
        throw badRequest("agent must be a JSON Agent", name);
      }
      const parsed = XapiActor.safeParse(agent);
      if (!parsed.success || (kind === "state" && parsed.data.objectType === "Group")) throw badRequest("agent must be an xAPI Agent with one identifier", name);
      parts.push(agentKey(parsed.data));
    }
  }
  const registration = params.get("registration") ?? "";
  if (registration && !z.uuid().safeParse(registration).success) throw badRequest("registration must be a UUID", "registration");
  const since = params.get("since") ?? undefined;
  if (since !== undefined && !isXapiTimestamp(since)) throw badRequest("since must be an ISO 8601 timestamp", "since");
  const id = params.get(spec.id) ?? undefined;
  if (id !== undefined && since !== undefined) throw badRequest(`since applies only without ${spec.id}`, "since");
  return { kind, scope: parts.join("|"), registration: registration.toLowerCase(), ...(id !== undefined ? { id } : {}), ...(since !== undefined ? { since: new Date(since).toISOString() } : {}) };
}

/**
 * The xAPI 1.0.3 document resources over the embedded store: GET one document (with `ETag`
 * and `Last-Modified`) or the ids of a scope (`since` filters), PUT to replace, POST to
 * merge JSON objects, DELETE one or (State) all of a scope. Concurrency follows Part Three
 * §2.1.3: `If-Match` and `If-None-Match` are honoured on every write, and a PUT that would
 * overwrite an existing Activity or Agent Profile without either header is refused with 409.
 */
export class XapiDocuments {
  constructor(
    readonly store: EducationRecords,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Handles one request to a document resource.
   *
   * @example
   * ```ts
   * const reply = documents.handle("GET", address, {});
   * ```
   */
  handle(method: string, address: XapiDocumentAddress & { since?: string }, headers: { ifMatch?: string; ifNoneMatch?: string; contentType?: string }, body?: Buffer): XapiDocumentReply {
    const { kind, scope, registration, id } = address;
    if (method === "GET") {
      if (id === undefined) return { status: 200, body: JSON.stringify(this.store.listXapiDocumentIds(kind, scope, registration, address.since)), headers: { "Content-Type": "application/json" } };
      const found = this.store.getXapiDocument(kind, scope, registration, id);
      if (!found) return { status: 404 };
      return { status: 200, body: found.content, headers: { "Content-Type": found.contentType, ETag: found.etag, "Last-Modified": new Date(found.updated).toUTCString() } };
    }
    if (method !== "PUT" && method !== "POST" && method !== "DELETE") return { status: 405 };
    if (id === undefined && !(method === "DELETE" && kind === "state")) throw badRequest(`the ${PARAMETERS[kind].id} parameter is required`, PARAMETERS[kind].id);
    return this.store.transaction(() => {
      const existing = id === undefined ? undefined : this.store.getXapiDocument(kind, scope, registration, id);
      const failed = this.precondition(existing, headers);
      if (failed) return failed;
      if (method === "DELETE") {
        this.store.deleteXapiDocuments(kind, scope, registration, id);
        return { status: 204 };
      }
      if (method === "PUT" && existing && kind !== "state" && headers.ifMatch === undefined && headers.ifNoneMatch === undefined)
        return { status: 409, body: JSON.stringify({ error: "the document exists: send If-Match with its ETag to replace it" }), headers: { "Content-Type": "application/json" } };
      const contentType = headers.contentType || "application/octet-stream";
      let content = body ?? Buffer.alloc(0);
      let type = contentType;
      if (method === "POST" && existing) {
        // Part Three §2.2: POST merges only when both documents are JSON objects.
        const before = isJsonType(existing.contentType) ? asObject(existing.content) : undefined;
        const after = isJsonType(contentType) ? asObject(content) : undefined;
        if (!before || !after) throw badRequest("POST merges JSON objects only: the stored or the sent document is not one", "body");
        content = Buffer.from(JSON.stringify({ ...before, ...after }));
        type = "application/json";
      } else if (method === "POST" && isJsonType(contentType) && !asObject(content)) throw badRequest("a JSON document sent by POST must be an object", "body");
      this.store.putXapiDocument({ kind, scope, registration, id: id!, contentType: type, content, etag: etagOf(content), updated: new Date(this.now()).toISOString() });
      return { status: 204 };
    });
  }

  /** RFC 7232 preconditions as xAPI uses them: 412 when `If-Match` or `If-None-Match` does not hold. */
  private precondition(existing: StoredXapiDocument | undefined, headers: { ifMatch?: string; ifNoneMatch?: string }): XapiDocumentReply | undefined {
    const tags = (header: string) => header.split(",").map((tag) => tag.trim().replace(/^W\//, ""));
    if (headers.ifMatch !== undefined) {
      const wanted = tags(headers.ifMatch);
      if (!existing || !(wanted.includes("*") || wanted.includes(existing.etag))) return { status: 412 };
    }
    if (headers.ifNoneMatch !== undefined && existing) {
      const unwanted = tags(headers.ifNoneMatch);
      if (unwanted.includes("*") || unwanted.includes(existing.etag)) return { status: 412 };
    }
    return undefined;
  }
}

/** The resource paths the document resources answer on, under the xAPI endpoint. */
export const XAPI_DOCUMENT_PATHS: Record<string, XapiDocumentKind> = {
  "/xapi/activities/state": "state",
  "/xapi/activities/profile": "activityProfile",
  "/xapi/agents/profile": "agentProfile",
};
