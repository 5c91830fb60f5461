import type { CapabilityStatement, Resource } from "@medplum/fhirtypes";
import type { SearchParams } from "./search-engine.js";

/** One page of a search or `$everything`: matches, included resources and whether more follow. */
export interface BackendPage {
  /** Total matches when the server reports it. */
  total?: number;
  resources: Resource[];
  included: Resource[];
  /** Opaque position of the next page; the tool layer signs it into a cursor. */
  next?: string;
}

/**
 * What the healthcare tools need from a FHIR server. The embedded store and the remote
 * REST adapter both implement it; a backend never sees PHI filtering or access control.
 */
export interface FhirBackend {
  /** `embedded` (in-process synthetic store) or `remote` (a FHIR R4 REST server). */
  readonly kind: "embedded" | "remote";
  /** The server's CapabilityStatement. */
  capabilities(): Promise<CapabilityStatement>;
  /** One resource, or `undefined` when absent. */
  read(resourceType: string, id: string): Promise<Resource | undefined>;
  /** One page of a type-level search. `page` is the `next` of the previous page. */
  search(resourceType: string, params: SearchParams, options: { count: number; page?: string }): Promise<BackendPage>;
  /** One page of `Patient/{id}/$everything`. */
  everything(patientId: string, options: { types?: string[]; start?: string; end?: string; count: number; page?: string }): Promise<BackendPage>;
  /** Creates a resource; returns it with its new id. */
  create(resource: Resource): Promise<Resource>;
  /** Replaces a resource by id. */
  update(resource: Resource): Promise<Resource>;
}
