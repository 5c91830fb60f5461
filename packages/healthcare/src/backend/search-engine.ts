import type { Resource } from "@medplum/fhirtypes";
import { ExtensionError } from "@mcp-verticals/core";

/** FHIR search parameters as name → value(s), e.g. `{ patient: "Patient/1", date: ["ge2024-01-01"] }`. */
export type SearchParams = Record<string, string | string[]>;

/** The FHIR search parameter types the engine implements. */
export type ParamKind = "reference" | "token" | "date" | "string";
/** Reads the values of one search parameter from a resource. */
export type Getter = (resource: any) => unknown[];
/** One search parameter: its type and how to read its values from a resource. */
export interface ParamDefinition {
  kind: ParamKind;
  get: Getter;
}

const list = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);
const subject: ParamDefinition = { kind: "reference", get: (r) => list(r.subject ?? r.patient) };
const encounter: ParamDefinition = { kind: "reference", get: (r) => list(r.encounter) };
const status: ParamDefinition = { kind: "token", get: (r) => list(r.status) };
const token = (get: Getter): ParamDefinition => ({ kind: "token", get });
const date = (get: Getter): ParamDefinition => ({ kind: "date", get });

/** The search parameters each resource type supports, in the embedded store and the FHIR REST facade. */
export const SEARCH_PARAMETERS: Record<string, Record<string, ParamDefinition>> = {
  Patient: {
    name: { kind: "string", get: (r) => list(r.name).flatMap((n: any) => [...list(n.family), ...list(n.given), ...list(n.text)]) },
    family: { kind: "string", get: (r) => list(r.name).flatMap((n: any) => list(n.family)) },
    given: { kind: "string", get: (r) => list(r.name).flatMap((n: any) => list(n.given)) },
    birthdate: date((r) => list(r.birthDate)),
    gender: token((r) => list(r.gender)),
    identifier: token((r) => list(r.identifier)),
    "general-practitioner": { kind: "reference", get: (r) => list(r.generalPractitioner) },
    "address-city": { kind: "string", get: (r) => list(r.address).flatMap((a: any) => list(a.city)) },
    "address-state": { kind: "string", get: (r) => list(r.address).flatMap((a: any) => list(a.state)) },
    "address-postalcode": { kind: "string", get: (r) => list(r.address).flatMap((a: any) => list(a.postalCode)) },
    "address-country": { kind: "string", get: (r) => list(r.address).flatMap((a: any) => list(a.country)) },
  },
  Practitioner: { name: { kind: "string", get: (r) => list(r.name).flatMap((n: any) => [...list(n.family), ...list(n.given)]) }, identifier: token((r) => list(r.identifier)) },
  Organization: { name: { kind: "string", get: (r) => list(r.name) } },
  Encounter: { patient: subject, subject, date: date((r) => list(r.period?.start)), class: token((r) => list(r.class)), type: token((r) => list(r.type)), status },
  Condition: {
    patient: subject,
    subject,
    encounter,
    code: token((r) => list(r.code)),
    category: token((r) => list(r.category)),
    "clinical-status": token((r) => list(r.clinicalStatus)),
    "onset-date": date((r) => list(r.onsetDateTime)),
    "recorded-date": date((r) => list(r.recordedDate)),
  },
  Observation: {
    patient: subject,
    subject,
    encounter,
    code: token((r) => list(r.code)),
    category: token((r) => list(r.category)),
    date: date((r) => list(r.effectiveDateTime ?? r.effectivePeriod?.start)),
    status,
  },
  MedicationRequest: {
    patient: subject,
    subject,
    encounter,
    code: token((r) => list(r.medicationCodeableConcept)),
    status,
    intent: token((r) => list(r.intent)),
    authoredon: date((r) => list(r.authoredOn)),
  },
  AllergyIntolerance: {
    patient: subject,
    code: token((r) => list(r.code)),
    "clinical-status": token((r) => list(r.clinicalStatus)),
    criticality: token((r) => list(r.criticality)),
    date: date((r) => list(r.recordedDate)),
  },
  Immunization: { patient: subject, encounter, "vaccine-code": token((r) => list(r.vaccineCode)), date: date((r) => list(r.occurrenceDateTime)), status },
  Procedure: { patient: subject, subject, encounter, code: token((r) => list(r.code)), date: date((r) => list(r.performedDateTime ?? r.performedPeriod?.start)), status },
  Provenance: { target: { kind: "reference", get: (r) => list(r.target) }, patient: { kind: "reference", get: (r) => list(r.target) } },
};

/** Parameters every resource type has (FHIR R4 `Resource` search parameters beyond `_id`). */
const COMMON_PARAMETERS: Record<string, ParamDefinition> = {
  _tag: token((r) => list(r.meta?.tag)),
  _security: token((r) => list(r.meta?.security)),
};

/** Reference-typed elements `_include` can follow, per type and search parameter. */
const INCLUDE_PATHS: Record<string, Record<string, Getter>> = {
  Patient: { "general-practitioner": (r) => list(r.generalPractitioner), organization: (r) => list(r.managingOrganization) },
  Encounter: { patient: (r) => list(r.subject), subject: (r) => list(r.subject), practitioner: (r) => list(r.participant).map((p: any) => p.individual), "service-provider": (r) => list(r.serviceProvider) },
  Condition: { patient: (r) => list(r.subject), subject: (r) => list(r.subject), encounter: (r) => list(r.encounter) },
  Observation: { patient: (r) => list(r.subject), subject: (r) => list(r.subject), encounter: (r) => list(r.encounter) },
  MedicationRequest: { patient: (r) => list(r.subject), subject: (r) => list(r.subject), encounter: (r) => list(r.encounter), requester: (r) => list(r.requester), "reason-reference": (r) => list(r.reasonReference) },
  AllergyIntolerance: { patient: (r) => list(r.patient) },
  Immunization: { patient: (r) => list(r.patient), encounter: (r) => list(r.encounter) },
  Procedure: { patient: (r) => list(r.subject), subject: (r) => list(r.subject), encounter: (r) => list(r.encounter), performer: (r) => list(r.performer).map((p: any) => p.actor) },
  Provenance: { target: (r) => list(r.target) },
};

/** The `_include` values each resource type supports, e.g. `Observation:encounter`. */
export function includesOf(resourceType: string): string[] {
  return Object.keys(INCLUDE_PATHS[resourceType] ?? {}).map((parameter) => `${resourceType}:${parameter}`);
}

/**
 * The references an `_include` (`Type:parameter`) follows from one resource, as `Type/id`
 * strings; empty when the include is unknown here.
 *
 * @example
 * ```ts
 * includedReferencesOf(observation, "Observation:encounter"); // ["Encounter/encounter-002-1"]
 * ```
 */
export function includedReferencesOf(resource: Resource, include: string): string[] {
  const [sourceType, parameter] = include.split(":");
  const getter = sourceType === resource.resourceType ? INCLUDE_PATHS[sourceType]?.[parameter ?? ""] : undefined;
  if (!getter) return [];
  return (getter(resource) as any[]).map((reference) => String(reference?.reference ?? "")).filter((reference) => /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/.test(reference));
}

/** Resource types with a patient compartment parameter (what `Patient/$everything` gathers). */
export const PATIENT_COMPARTMENT_TYPES: readonly string[] = Object.keys(SEARCH_PARAMETERS).filter((type) => type !== "Patient" && SEARCH_PARAMETERS[type]!.patient !== undefined);

/** Result parameters the engine interprets itself. */
export const RESULT_PARAMETERS = new Set(["_count", "_sort", "_include", "_revinclude", "_elements", "_summary", "_total", "_getpagesoffset", "_format"]);

/** The patient-compartment parameter of a resource type (`subject` or `patient`), if any. */
export function patientParameterOf(resourceType: string): string | undefined {
  if (resourceType === "Patient") return "_id";
  const params = SEARCH_PARAMETERS[resourceType];
  return params?.patient ? "patient" : undefined;
}

/** The `Patient/<id>` references a resource holds in its patient compartment. */
export function patientReferencesOf(resource: Resource): string[] {
  if (resource.resourceType === "Patient") return [`Patient/${resource.id}`];
  const definition = SEARCH_PARAMETERS[resource.resourceType]?.patient;
  if (!definition) return [];
  return definition
    .get(resource)
    .map((value: any) => (typeof value?.reference === "string" ? value.reference : undefined))
    .filter((value): value is string => typeof value === "string" && value.startsWith("Patient/"));
}

const datePrefix = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(\d{4}(-\d{2}(-\d{2}(T[0-9:.+\-Z]+)?)?)?)$/;

function matchesDate(values: unknown[], query: string): boolean {
  const match = datePrefix.exec(query);
  if (!match) throw new ExtensionError("INVALID_SEARCH_VALUE", "a date search value must look like [ge|le|gt|lt|eq]YYYY[-MM[-DD]]", { field: "params" });
  const prefix = match[1] ?? "eq";
  const target = match[2]!;
  return values.some((value) => {
    if (typeof value !== "string") return false;
    const candidate = value.slice(0, target.length);
    switch (prefix) {
      case "gt":
      case "sa":
        return candidate > target;
      case "lt":
      case "eb":
        return candidate < target;
      case "ge":
        return candidate >= target;
      case "le":
        return candidate <= target;
      case "ne":
        return candidate !== target;
      default:
        return candidate === target;
    }
  });
}

function tokenValues(value: any): { system?: string; code: string }[] {
  if (typeof value === "string") return [{ code: value }];
  if (value && typeof value === "object") {
    if (Array.isArray(value.coding)) return value.coding.map((c: any) => ({ system: c.system, code: String(c.code) }));
    if (typeof value.code === "string") return [{ system: value.system, code: value.code }];
    if (typeof value.value === "string") return [{ system: value.system, code: value.value }];
  }
  return [];
}

function matchesToken(values: unknown[], query: string): boolean {
  const [system, code] = query.includes("|") ? (query.split("|", 2) as [string, string]) : [undefined, query];
  return values.flatMap(tokenValues).some((token) => (code === "" || token.code === code) && (system === undefined || system === "" || token.system === system));
}

function matchesReference(values: unknown[], query: string, targetType: string | undefined): boolean {
  const wanted = query.includes("/") ? query : targetType ? `${targetType}/${query}` : query;
  return values.some((value: any) => typeof value?.reference === "string" && (value.reference === wanted || value.reference.endsWith(`/${wanted}`)));
}

function matchesString(values: unknown[], query: string): boolean {
  const needle = query.toLowerCase();
  return values.some((value) => typeof value === "string" && value.toLowerCase().split(/\s+/).some((word) => word.startsWith(needle)));
}

function matches(resource: Resource, name: string, definition: ParamDefinition, query: string, modifier: string | undefined): boolean {
  const values = definition.get(resource);
  if (modifier === "missing") return (query === "true") === (values.length === 0);
  if (modifier === "not") return !query.split(",").some((alternative) => matchesToken(values, alternative));
  // Comma means OR within one parameter.
  return query.split(",").some((alternative) => {
    switch (definition.kind) {
      case "date":
        return matchesDate(values, alternative);
      case "token":
        return matchesToken(values, alternative);
      case "reference":
        return matchesReference(values, alternative, modifier ?? (name === "patient" || name === "subject" ? "Patient" : undefined));
      default:
        return modifier === "exact" ? values.some((value) => value === alternative) : matchesString(values, alternative);
    }
  });
}

/** Whether the engine implements a modifier for a parameter type (`:Type` on references). */
function modifierSupported(kind: ParamKind | "id", modifier: string): boolean {
  if (modifier === "missing") return kind !== "id";
  if (kind === "token") return modifier === "not";
  if (kind === "string") return modifier === "exact";
  if (kind === "reference") return /^[A-Z][A-Za-z]+$/.test(modifier);
  return false;
}

const sortKey = (resource: any): string =>
  resource.effectiveDateTime ?? resource.period?.start ?? resource.onsetDateTime ?? resource.authoredOn ?? resource.occurrenceDateTime ?? resource.performedPeriod?.start ?? resource.recordedDate ?? resource.birthDate ?? "";

/** What {@link runSearch} returns: the page of matches, the included resources and the total. */
export interface SearchOutcome {
  total: number;
  matches: Resource[];
  included: Resource[];
}

/**
 * Runs a FHIR search over an in-memory list of resources: filters, sorting, paging, `_include`
 * and `_revinclude`. Unknown parameters fail with `UNSUPPORTED_SEARCH_PARAMETER` naming the field.
 *
 * @example
 * ```ts
 * runSearch(store, "Observation", { patient: "Patient/patient-001", category: "laboratory" }, { offset: 0, count: 20 });
 * ```
 */
export function runSearch(
  store: { all(type: string): Resource[]; get(type: string, id: string): Resource | undefined },
  resourceType: string,
  params: SearchParams,
  page: { offset: number; count: number },
): SearchOutcome {
  const definitions = SEARCH_PARAMETERS[resourceType];
  if (!definitions) throw new ExtensionError("UNSUPPORTED_RESOURCE_TYPE", "this server does not search that resource type", { field: "resourceType" });
  const filters: [string, ParamDefinition | "id", string, string | undefined][] = [];
  for (const [rawName, rawValue] of Object.entries(params)) {
    const [name, modifier] = rawName.split(":", 2) as [string, string | undefined];
    if (RESULT_PARAMETERS.has(name)) continue;
    const definition = name === "_id" ? "id" : (definitions[name] ?? COMMON_PARAMETERS[name]);
    if (!definition) throw new ExtensionError("UNSUPPORTED_SEARCH_PARAMETER", `${resourceType} has no search parameter of that name`, { field: `params.${name}` });
    if (modifier !== undefined && !modifierSupported(definition === "id" ? "id" : definition.kind, modifier)) {
      throw new ExtensionError("UNSUPPORTED_SEARCH_PARAMETER", "that modifier is not supported for this search parameter", { field: `params.${name}` });
    }
    for (const value of list(rawValue)) filters.push([name, definition, String(value), modifier]);
  }
  let found = store.all(resourceType).filter((resource) =>
    filters.every(([name, definition, value, modifier]) => (definition === "id" ? value.split(",").includes(resource.id ?? "") : matches(resource, name, definition, value, modifier))),
  );
  const sort = list(params._sort)[0];
  if (typeof sort === "string" && sort.length > 0) {
    const descending = sort.startsWith("-");
    found = [...found].sort((a, b) => (descending ? sortKey(b).localeCompare(sortKey(a)) : sortKey(a).localeCompare(sortKey(b))));
  }
  const matchesPage = found.slice(page.offset, page.offset + page.count);
  const included = new Map<string, Resource>();
  const seen = new Set(matchesPage.map((resource) => `${resource.resourceType}/${resource.id}`));
  for (const include of list(params._include).map(String)) {
    const [sourceType, parameter] = include.split(":");
    const getter = sourceType ? INCLUDE_PATHS[sourceType]?.[parameter ?? ""] : undefined;
    if (sourceType !== resourceType || !getter) throw new ExtensionError("UNSUPPORTED_INCLUDE", "that _include is not supported for this resource type", { field: "include" });
    for (const resource of matchesPage) {
      for (const reference of getter(resource) as any[]) {
        const [type, id] = String(reference?.reference ?? "").split("/");
        const target = type && id ? store.get(type, id) : undefined;
        const key = `${type}/${id}`;
        if (target && !seen.has(key)) included.set(key, target);
      }
    }
  }
  for (const revinclude of list(params._revinclude).map(String)) {
    const [sourceType, parameter] = revinclude.split(":");
    const getter = sourceType ? INCLUDE_PATHS[sourceType]?.[parameter ?? ""] : undefined;
    if (!sourceType || !getter) throw new ExtensionError("UNSUPPORTED_INCLUDE", "that _revinclude is not supported", { field: "revinclude" });
    const targets = new Set(matchesPage.map((resource) => `${resource.resourceType}/${resource.id}`));
    for (const candidate of store.all(sourceType)) {
      if ((getter(candidate) as any[]).some((reference) => targets.has(String(reference?.reference ?? "")))) {
        const key = `${candidate.resourceType}/${candidate.id}`;
        if (!seen.has(key)) included.set(key, candidate);
      }
    }
  }
  return { total: found.length, matches: matchesPage, included: [...included.values()] };
}

/** Date of a resource for `$everything` start/end filtering. */
export function clinicalDateOf(resource: Resource): string {
  return sortKey(resource);
}
