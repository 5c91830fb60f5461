import type { Resource } from "@medplum/fhirtypes";
import { z } from "zod";
import { OutputFormat, ResourceTypeName } from "./settings.js";

/** A FHIR resource as JSON (typed by `@medplum/fhirtypes` in code; loosely checked on the wire). */
export const FhirResourceJson = z
  .looseObject({ resourceType: ResourceTypeName, id: z.string().optional().describe("Resource id") })
  // Open on purpose: any FHIR element may follow. `true` rather than the empty schema `{}`, which strict schema checkers flag.
  .meta({ additionalProperties: true })
  .describe("A FHIR R4 resource as JSON");

/** The compact, model-friendly view of one resource. */
export const CompactResource = z
  .object({
    ref: z.string().describe("Type/id to cite"),
    resourceType: z.string().describe("Resource type"),
    date: z.string().optional().describe("Clinical date"),
    code: z.string().optional().describe("system|code of the primary code"),
    display: z.string().optional().describe("Name or code text"),
    value: z.string().optional().describe("Value and unit; for a Patient gender, birth date"),
    status: z.string().optional().describe("Status"),
    category: z.string().optional().describe("Category code"),
  })
  .describe("A resource as facts");
export type CompactResource = z.output<typeof CompactResource>;

/** One resource in a tool result: compact or full FHIR JSON. */
export const ResourceItem = z
  .record(z.string(), z.unknown())
  // An open object: `additionalProperties: true` rather than the empty schema `{}` strict checkers flag.
  .meta({ propertyNames: undefined, additionalProperties: true })
  .describe("Compact facts or FHIR JSON");
/** A resource in a tool result. */
export type ResourceItem = z.output<typeof ResourceItem>;

/** A non-negative whole number in an output. */
// zod writes the safe-integer bounds into every int; they tell a model nothing and cost bytes in every tools/list.
export const Count = z.number().int().min(0).meta({ minimum: undefined, maximum: undefined });

/** A FHIR id as the tools accept it. */
export const FhirId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, "a FHIR id");

/** Input `cursor`: the opaque handle of the next page. */
export const CursorInput = z.string().max(4096).optional().describe("nextCursor of the last page");

/** Output `nextCursor`. */
export const NextCursor = z.string().optional().describe("Cursor of the next page, if any");

/** Output `truncated`. */
export const Truncated = z.boolean().describe("Hit the output limit");

/** Input `elements` (FHIR `_elements`). */
export const ElementsInput = z.array(z.string().regex(/^[a-zA-Z][A-Za-z0-9]*$/)).max(30).optional().describe("FHIR _elements (format fhir)");

/** Input `format`. */
export const FormatInput = OutputFormat.optional().describe("Default compact (facts); fhir: JSON");

const SearchValue = z.union([z.string().max(500), z.array(z.string().max(500)).max(10)]);
const SEARCH_NAME = /^[A-Za-z_][A-Za-z0-9_:.-]{0,99}$/;
const searchValueJson = { anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] };

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
  // The JSON Schema says the shape; names and sizes are checked above, with errors that name no parameter.
  .meta({ propertyNames: undefined, additionalProperties: searchValueJson })
  .default({})
  .describe("e.g. { date: 'ge2023-01-01', status: 'final' }");

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
