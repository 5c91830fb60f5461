import type { CapabilityStatement, Resource } from "@medplum/fhirtypes";
import { ExtensionError } from "@mcp-verticals/core";
import type { BackendPage, FhirBackend } from "./fhir-backend.js";
import { clinicalDateOf, includesOf, patientReferencesOf, runSearch, SEARCH_PARAMETERS, type SearchParams } from "./search-engine.js";
import { generateSyntheticCorpus, type SyntheticCorpusOptions } from "./synthetic-data.js";

/** The embedded FHIR store: the backend interface plus direct access for the FHIR REST facade and tests. */
export interface EmbeddedFhirStore extends FhirBackend {
  readonly kind: "embedded";
  /** Every resource of one type, in insertion order. */
  all(resourceType: string): Resource[];
  /** One resource by type and id, synchronously. */
  get(resourceType: string, id: string): Resource | undefined;
  /** Every resource type present. */
  types(): string[];
}

const pageOffset = (page: string | undefined): number => {
  if (page === undefined) return 0;
  const offset = Number(page);
  if (!Number.isSafeInteger(offset) || offset < 0) throw new ExtensionError("INVALID_CURSOR", "the cursor is not valid", { field: "cursor" });
  return offset;
};

/** Builds the CapabilityStatement of a store serving the given types. */
export function capabilityStatementFor(types: string[]): CapabilityStatement {
  return {
    resourceType: "CapabilityStatement",
    status: "active",
    date: "2026-11-24",
    kind: "instance",
    fhirVersion: "4.0.1",
    format: ["json"],
    software: { name: "mcp-verticals embedded FHIR store", version: "0.1.0" },
    rest: [
      {
        mode: "server",
        resource: types.map((type) => ({
          type: type as never,
          interaction: [{ code: "read" }, { code: "search-type" }, { code: "create" }, { code: "update" }],
          searchInclude: includesOf(type),
          searchParam: Object.entries(SEARCH_PARAMETERS[type] ?? {}).map(([name, definition]) => ({ name, type: definition.kind })),
          ...(type === "Patient" ? { operation: [{ name: "everything", definition: "http://hl7.org/fhir/OperationDefinition/Patient-everything" }] } : {}),
        })),
      },
    ],
  };
}

/**
 * Creates the embedded FHIR R4 store, seeded with the deterministic synthetic corpus.
 *
 * @example
 * ```ts
 * const store = createEmbeddedFhirStore();
 * await store.read("Patient", "patient-001");
 * ```
 */
export function createEmbeddedFhirStore(options: SyntheticCorpusOptions & { resources?: Resource[] } = {}): EmbeddedFhirStore {
  const byType = new Map<string, Map<string, Resource>>();
  const put = (resource: Resource) => {
    let bucket = byType.get(resource.resourceType);
    if (!bucket) byType.set(resource.resourceType, (bucket = new Map()));
    bucket.set(resource.id!, resource);
  };
  for (const resource of options.resources ?? generateSyntheticCorpus(options).resources) put(resource);
  let sequence = 0;
  const store: EmbeddedFhirStore = {
    kind: "embedded",
    all: (type) => [...(byType.get(type)?.values() ?? [])],
    get: (type, id) => byType.get(type)?.get(id),
    types: () => [...byType.keys()],
    async capabilities() {
      return capabilityStatementFor([...new Set([...Object.keys(SEARCH_PARAMETERS), ...byType.keys()])]);
    },
    async read(type, id) {
      return structuredClone(byType.get(type)?.get(id));
    },
    async search(type, params: SearchParams, { count, page }): Promise<BackendPage> {
      const offset = pageOffset(page);
      const outcome = runSearch(store, type, params, { offset, count });
      return {
        total: outcome.total,
        resources: structuredClone(outcome.matches),
        included: structuredClone(outcome.included),
        ...(offset + count < outcome.total ? { next: String(offset + count) } : {}),
      };
    },
    async everything(patientId, { types, start, end, count, page }): Promise<BackendPage> {
      const patient = store.get("Patient", patientId);
      if (!patient) throw new ExtensionError("NOT_FOUND", "no such patient", { field: "patientId" });
      const reference = `Patient/${patientId}`;
      const all: Resource[] = [patient];
      for (const [type, bucket] of byType) {
        if (type === "Patient") continue;
        for (const resource of bucket.values()) if (patientReferencesOf(resource).includes(reference)) all.push(resource);
      }
      const selected = all.filter((resource) => {
        if (types && types.length > 0 && !types.includes(resource.resourceType)) return false;
        if (resource.resourceType === "Patient") return true;
        const date = clinicalDateOf(resource);
        if (start && date && date.slice(0, start.length) < start) return false;
        if (end && date && date.slice(0, end.length) > end) return false;
        return true;
      });
      const offset = pageOffset(page);
      return {
        total: selected.length,
        resources: structuredClone(selected.slice(offset, offset + count)),
        included: [],
        ...(offset + count < selected.length ? { next: String(offset + count) } : {}),
      };
    },
    async create(resource) {
      sequence += 1;
      const created = { ...structuredClone(resource), id: `${resource.resourceType.toLowerCase()}-new-${sequence}`, meta: { ...resource.meta, versionId: "1", lastUpdated: new Date().toISOString() } } as Resource;
      put(created);
      return structuredClone(created);
    },
    async update(resource) {
      if (!resource.id || !store.get(resource.resourceType, resource.id)) throw new ExtensionError("NOT_FOUND", "no resource with that id to update", { field: "resource.id" });
      const previous = Number(store.get(resource.resourceType, resource.id)!.meta?.versionId ?? "1");
      const updated = { ...structuredClone(resource), meta: { ...resource.meta, versionId: String(previous + 1), lastUpdated: new Date().toISOString() } } as Resource;
      put(updated);
      return structuredClone(updated);
    },
  };
  return store;
}
