import { randomUUID } from "node:crypto";
import type { CapabilityStatement, Resource } from "@medplum/fhirtypes";
import { ExtensionError, type StateStore } from "@mcp-verticals/core";
import type { BackendPage } from "./fhir-backend.js";
import { capabilityStatementFor } from "./embedded-store.js";
import { clinicalDateOf, includedReferencesOf, includesOf, PATIENT_COMPARTMENT_TYPES, SEARCH_PARAMETERS, type SearchParams } from "./search-engine.js";

/**
 * Paging, includes and `$everything` for the remote backend, with fallbacks for servers that
 * lack them (a bare FHIR router has no `link[next]`, ignores `_include`, and has no
 * `Patient/$everything`). Every fallback uses only reads and type searches; where none is
 * possible the caller gets `OPERATION_NOT_SUPPORTED`, never a silently short answer.
 */

type Get = (url: string) => Promise<{ status: number; body: any }>;
type EverythingFilter = { types?: string[]; start?: string; end?: string };

/** Where the next page comes from: the server's link, an `_offset` we add, or a gathered `$everything`. */
type Handle =
  | { kind: "link"; url: string; includes: string[]; revincludes: string[] }
  | { kind: "offset"; url: string; offset: number; previous: string[]; includes: string[]; revincludes: string[] }
  | { kind: "everything"; patientId: string; filter: EverythingFilter; offset: number };

/** One fetched page, before it gets a handle. */
interface RawPage {
  total?: number;
  matches: Resource[];
  included: Resource[];
  next?: Handle;
}

const MAX_HANDLES = 10_000;
/** How long a page handle kept in shared state stays usable. */
const SHARED_HANDLE_TTL_MS = 60 * 60_000;
const HANDLE_NAMESPACE = "healthcare:fhir-pages";
const MAX_INCLUDED = 200;
const keyOf = (resource: Resource) => `${resource.resourceType}/${resource.id}`;
const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * The CapabilityStatement assumed for a server that publishes none: the types and search
 * parameters these tools use, marked as assumed in `software` and `implementation`.
 *
 * @example
 * ```ts
 * fallbackCapabilityStatement().implementation?.description; // "assumed: ..."
 * ```
 */
export function fallbackCapabilityStatement(): CapabilityStatement {
  return {
    ...capabilityStatementFor(Object.keys(SEARCH_PARAMETERS)),
    software: { name: "unknown FHIR server (no CapabilityStatement)" },
    implementation: { description: "assumed: the FHIR server publishes no CapabilityStatement at /metadata; these are the interactions the tools use, with fallbacks" },
  };
}

/**
 * Creates the paging layer of one remote backend. Page handles (which hold the server's URLs,
 * never shown to clients) live in `state` when given, so a cursor cut by one replica pages on
 * any other; otherwise in this process.
 */
export function createRemotePaging(options: { base: string; get: Get; limit: number; state?: StateStore | undefined }) {
  const { base, get, limit, state } = options;
  const handles = new Map<string, Handle>();
  const remember = async (handle: Handle | undefined): Promise<string | undefined> => {
    if (!handle) return undefined;
    const id = randomUUID();
    if (state) {
      await state.put(HANDLE_NAMESPACE, id, handle, { expiresAt: Date.now() + SHARED_HANDLE_TTL_MS });
      return id;
    }
    handles.set(id, handle);
    if (handles.size > MAX_HANDLES) handles.delete(handles.keys().next().value!);
    return id;
  };
  const take = async (page: string): Promise<Handle> => {
    const handle = state ? (await state.get<Handle>(HANDLE_NAMESPACE, page))?.value : handles.get(page);
    if (!handle) throw new ExtensionError("INVALID_CURSOR", "the cursor has expired; start again from the first page", { field: "cursor" });
    return handle;
  };

  const read = async (reference: string): Promise<Resource | undefined> => {
    const [type, id] = reference.split("/") as [string, string];
    const { status, body } = await get(`${base}/${encodeURIComponent(type)}/${encodeURIComponent(id)}`);
    return status >= 200 && status < 300 && body?.resourceType === type ? (body as Resource) : undefined;
  };

  /** `_include`/`_revinclude` by reads and searches, for a server that returned no included entries. */
  const resolveIncludes = async (matches: Resource[], includes: string[], revincludes: string[]): Promise<Resource[]> => {
    const seen = new Set(matches.map(keyOf));
    const out = new Map<string, Resource>();
    for (const include of includes) {
      const sourceType = include.split(":")[0]!;
      if (!includesOf(sourceType).includes(include)) continue;
      for (const match of matches) {
        for (const reference of includedReferencesOf(match, include)) {
          if (seen.has(reference) || out.has(reference) || out.size >= MAX_INCLUDED) continue;
          const target = await read(reference);
          if (target) out.set(reference, target);
        }
      }
    }
    for (const revinclude of revincludes) {
      const [sourceType, parameter] = revinclude.split(":") as [string, string];
      if (SEARCH_PARAMETERS[sourceType]?.[parameter]?.kind !== "reference" || matches.length === 0) continue;
      const query = new URLSearchParams({ [parameter]: matches.map(keyOf).join(","), _count: "100" });
      for await (const resource of walk(`${base}/${sourceType}?${query}`, MAX_INCLUDED)) {
        const key = keyOf(resource);
        if (!seen.has(key) && out.size < MAX_INCLUDED) out.set(key, resource);
      }
    }
    return [...out.values()];
  };

  /** Fetches one search page from a URL, and works out where the next one comes from. */
  const fetchPage = async (url: string, position: { offset: number; previous: string[]; linked: boolean }, count: number, includes: string[], revincludes: string[]): Promise<RawPage> => {
    const { status, body } = await get(url);
    if (status < 200 || status >= 300 || body?.resourceType !== "Bundle") {
      throw new ExtensionError("BACKEND_ERROR", status >= 200 && status < 300 ? "the FHIR server answered a search with something other than a Bundle" : `the FHIR server answered ${status}`);
    }
    const entries: { resource?: Resource; search?: { mode?: string } }[] = body.entry ?? [];
    const matches = entries.filter((entry) => entry.search?.mode !== "include" && entry.resource && entry.resource.resourceType !== "OperationOutcome").map((entry) => entry.resource!);
    let included = entries.filter((entry) => entry.search?.mode === "include" && entry.resource).map((entry) => entry.resource!);
    if (position.previous.length > 0 && matches.some((resource) => position.previous.includes(keyOf(resource)))) {
      throw new ExtensionError("OPERATION_NOT_SUPPORTED", "the FHIR server links no next page and ignores _offset, so results past the first page cannot be read; narrow the search");
    }
    if (included.length === 0 && (includes.length > 0 || revincludes.length > 0)) included = await resolveIncludes(matches, includes, revincludes);
    const link: string | undefined = (body.link ?? []).find((candidate: { relation?: string }) => candidate.relation === "next")?.url;
    let next: Handle | undefined;
    if (link) next = { kind: "link", url: link, includes, revincludes };
    else if (!position.linked && matches.length > 0) {
      const seenSoFar = position.offset + matches.length;
      const more = typeof body.total === "number" ? body.total > seenSoFar : matches.length >= count;
      if (more) {
        const following = new URL(url);
        following.searchParams.set("_offset", String(seenSoFar));
        next = { kind: "offset", url: following.toString(), offset: seenSoFar, previous: matches.map(keyOf), includes, revincludes };
      }
    }
    return { ...(typeof body.total === "number" ? { total: body.total } : {}), matches, included, ...(next ? { next } : {}) };
  };

  const follow = (handle: Extract<Handle, { kind: "link" | "offset" }>, count: number): Promise<RawPage> =>
    fetchPage(handle.url, handle.kind === "link" ? { offset: 0, previous: [], linked: true } : { offset: handle.offset, previous: handle.previous, linked: false }, count, handle.includes, handle.revincludes);

  /** Every match of a search, page by page, up to `max` (then `OPERATION_NOT_SUPPORTED`). */
  async function* walk(url: string, max: number): AsyncGenerator<Resource> {
    let page = await fetchPage(url, { offset: 0, previous: [], linked: false }, 100, [], []);
    let yielded = 0;
    for (;;) {
      for (const resource of page.matches) {
        if (++yielded > max) throw new ExtensionError("OPERATION_NOT_SUPPORTED", "the FHIR server has no Patient/$everything and this record is too large to gather from type searches; search by type instead");
        yield resource;
      }
      if (!page.next || page.next.kind === "everything") return;
      page = await follow(page.next, 100);
    }
  }

  const toPage = async (raw: RawPage): Promise<BackendPage> => {
    const next = await remember(raw.next);
    return { ...(raw.total !== undefined ? { total: raw.total } : {}), resources: raw.matches, included: raw.included, ...(next ? { next } : {}) };
  };

  /** `$everything` gathered from a read of the patient and one search per compartment type. */
  const gatherEverything = async (patientId: string, filter: EverythingFilter, offset: number, count: number): Promise<BackendPage> => {
    const patient = await read(`Patient/${patientId}`);
    if (!patient) throw new ExtensionError("NOT_FOUND", "no such patient", { field: "patientId" });
    const wanted = (type: string) => !filter.types || filter.types.length === 0 || filter.types.includes(type);
    const all: Resource[] = wanted("Patient") ? [patient] : [];
    for (const type of PATIENT_COMPARTMENT_TYPES) {
      if (!wanted(type)) continue;
      const query = new URLSearchParams({ patient: `Patient/${patientId}`, _count: "100" });
      for await (const resource of walk(`${base}/${type}?${query}`, limit - all.length)) all.push(resource);
    }
    const selected = all.filter((resource) => {
      if (resource.resourceType === "Patient") return true;
      const date = clinicalDateOf(resource);
      if (filter.start && date && date.slice(0, filter.start.length) < filter.start) return false;
      if (filter.end && date && date.slice(0, filter.end.length) > filter.end) return false;
      return true;
    });
    const next = offset + count < selected.length ? await remember({ kind: "everything", patientId, filter, offset: offset + count }) : undefined;
    return { total: selected.length, resources: selected.slice(offset, offset + count), included: [], ...(next ? { next } : {}) };
  };

  return {
    async search(type: string, params: SearchParams, count: number, page: string | undefined): Promise<BackendPage> {
      if (page) {
        const handle = await take(page);
        if (handle.kind === "everything") throw new ExtensionError("INVALID_CURSOR", "the cursor is not valid", { field: "cursor" });
        return toPage(await follow(handle, count));
      }
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(params)) for (const item of list(value)) query.append(name, item);
      query.set("_count", String(count));
      return toPage(await fetchPage(`${base}/${encodeURIComponent(type)}?${query}`, { offset: 0, previous: [], linked: false }, count, list(params._include), list(params._revinclude)));
    },

    async everything(patientId: string, filter: EverythingFilter, count: number, page: string | undefined): Promise<BackendPage> {
      if (page) {
        const handle = await take(page);
        if (handle.kind === "everything") return gatherEverything(handle.patientId, handle.filter, handle.offset, count);
        return toPage(await follow(handle, count));
      }
      const query = new URLSearchParams({ _count: String(count) });
      if (filter.types?.length) query.set("_type", filter.types.join(","));
      if (filter.start) query.set("start", filter.start);
      if (filter.end) query.set("end", filter.end);
      const { status, body } = await get(`${base}/Patient/${encodeURIComponent(patientId)}/$everything?${query}`);
      if (status >= 200 && status < 300 && body?.resourceType === "Bundle") {
        const entries: { resource?: Resource }[] = body.entry ?? [];
        const link: string | undefined = (body.link ?? []).find((candidate: { relation?: string }) => candidate.relation === "next")?.url;
        return toPage({ ...(typeof body.total === "number" ? { total: body.total } : {}), matches: entries.flatMap((entry) => (entry.resource && entry.resource.resourceType !== "OperationOutcome" ? [entry.resource] : [])), included: [], ...(link ? { next: { kind: "link", url: link, includes: [], revincludes: [] } } : {}) });
      }
      // 404 is either "no such patient" or "no such operation"; the gathered form tells them apart.
      if (status === 404 || status === 400 || status === 405 || status === 422 || status === 501) return gatherEverything(patientId, filter, 0, count);
      throw new ExtensionError("BACKEND_ERROR", `the FHIR server answered ${status}`);
    },
  };
}
