import type { Resource } from "@medplum/fhirtypes";
import { z } from "zod";
import { OutputFormat, ResourceTypeName } from "./settings.js";

/** A FHIR resource as JSON (typed by `@medplum/fhirtypes` in code; loosely checked on the wire). */
export const FhirResourceJson = z.looseObject({ resourceType: ResourceTypeName, id: z.string().optional() });

/** The compact, model-friendly view of one resource. */
export const CompactResource = z.object({
  /** `Type/id` to cite. */
  ref: z.string(),
  resourceType: z.string(),
  date: z.string().optional(),
  code: z.string().optional().describe("system|code of the primary code"),
  display: z.string().optional(),
  value: z.string().optional(),
  status: z.string().optional(),
  category: z.string().optional(),
});
export type CompactResource = z.output<typeof CompactResource>;

/** One resource in a tool result: compact or full FHIR JSON. */
export const ResourceItem = z.union([CompactResource, FhirResourceJson]);

/** Input `format`. */
export const FormatInput = OutputFormat.optional().describe("compact (default: one line of facts per resource) or fhir (full JSON)");

const SearchValue = z.union([z.string().max(500), z.array(z.string().max(500)).max(10)]);
const SEARCH_NAME = /^[A-Za-z_][A-Za-z0-9_:.-]{0,99}$/;
const { $schema: _unused, ...searchValueJson } = z.toJSONSchema(SearchValue) as Record<string, unknown>;

/**
 * Search parameters as name → value or values. Checked entry by entry with issues reported at
 * `params` itself, so a validation error never echoes a parameter name the client made up.
 */
export const SearchParamsInput = z
  .record(z.string(), z.unknown())
  .superRefine((value, context) => {
    const entries = Object.entries(value);
    if (entries.length > 20) context.addIssue({ code: "custom", message: "at most 20 search parameters" });
    for (const [name, item] of entries) {
      if (!SEARCH_NAME.test(name)) return context.addIssue({ code: "custom", message: "a search parameter name looks like name, name:modifier or chain.name (letters, digits, _ : . -)" });
      if (!SearchValue.safeParse(item).success) return context.addIssue({ code: "custom", message: "a search parameter value is a string (at most 500 characters) or an array of up to 10 such strings" });
    }
  })
  .meta({ propertyNames: { pattern: SEARCH_NAME.source }, additionalProperties: searchValueJson, maxProperties: 20 })
  .default({})
  .describe("FHIR search parameters, e.g. { patient: 'Patient/123', code: 'http://loinc.org|4548-4', date: ['ge2023-01-01'] }");

const primaryCode = (resource: any) => resource.code ?? resource.vaccineCode ?? resource.medicationCodeableConcept ?? resource.type?.[0] ?? resource.class;
const primaryDate = (resource: any): string | undefined =>
  resource.effectiveDateTime ?? resource.period?.start ?? resource.onsetDateTime ?? resource.authoredOn ?? resource.occurrenceDateTime ?? resource.performedPeriod?.start ?? resource.performedDateTime ?? resource.recordedDate ?? resource.birthDate;

/**
 * The compact view of a (already PHI-filtered) resource.
 *
 * @example
 * ```ts
 * toCompact(observation).value; // "7.1 %"
 * ```
 */
export function toCompact(resource: Resource): CompactResource {
  const r = resource as any;
  const code = primaryCode(r);
  const coding = code?.coding?.[0] ?? (typeof code?.code === "string" ? code : undefined);
  const value =
    r.valueQuantity !== undefined
      ? `${r.valueQuantity.value} ${r.valueQuantity.unit ?? ""}`.trim()
      : r.valueString ?? r.valueCodeableConcept?.text ?? (r.resourceType === "Patient" ? [r.gender, r.birthDate].filter(Boolean).join(", ") || undefined : undefined);
  const status = r.status ?? r.clinicalStatus?.coding?.[0]?.code;
  const category = r.category?.[0]?.coding?.[0]?.code ?? (typeof r.category?.[0] === "string" ? r.category[0] : undefined);
  const display = r.resourceType === "Patient" || r.resourceType === "Practitioner" ? r.name?.[0]?.text ?? [r.name?.[0]?.given?.join(" "), r.name?.[0]?.family].filter(Boolean).join(" ") : code?.text ?? coding?.display ?? r.name;
  const date = primaryDate(r);
  return {
    ref: `${r.resourceType}/${r.id}`,
    resourceType: r.resourceType,
    ...(date ? { date: String(date) } : {}),
    ...(coding?.code ? { code: `${coding.system ?? ""}|${coding.code}` } : {}),
    ...(display ? { display: String(display) } : {}),
    ...(value ? { value: String(value) } : {}),
    ...(status ? { status: String(status) } : {}),
    ...(category ? { category: String(category) } : {}),
  };
}

/**
 * Keeps only the listed top-level elements (FHIR `_elements`), plus `resourceType`, `id` and `meta`.
 *
 * @example
 * ```ts
 * selectElements(patient, ["gender"]); // { resourceType, id, meta, gender }
 * ```
 */
export function selectElements(resource: Resource, elements: readonly string[] | undefined): Resource {
  if (!elements || elements.length === 0) return resource;
  const out: Record<string, unknown> = { resourceType: resource.resourceType };
  for (const key of ["id", "meta", ...elements]) {
    const value = (resource as unknown as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  return out as unknown as Resource;
}
