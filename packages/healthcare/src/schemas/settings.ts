import { z } from "zod";

/** PHI handling modes, from most to least revealing. */
export const PhiMode = z.enum(["identified", "limited", "safe-harbor"]).describe("PHI mode: identified, limited (no direct identifiers) or safe-harbor (HIPAA Safe Harbor de-identified)");
/** A PHI handling mode. */
export type PhiMode = z.output<typeof PhiMode>;

/** How free text (narrative, notes, comments, `valueString`) is treated when PHI is filtered. */
export const FreeTextPolicy = z.enum(["keep", "scrub", "drop"]).describe("Free text outside identified mode: keep, scrub (mask names, dates, contacts) or drop");

/** Output formats: `compact` (a flat summary per resource) or `fhir` (the resource JSON). */
export const OutputFormat = z.enum(["compact", "fhir"]).describe("compact (one line of facts per resource) or fhir (resource JSON)");

/** Where the patient in context comes from. */
export const PatientContextMode = z.enum(["none", "fixed", "principal"]).describe("Patient context: none, fixed (one configured patient) or principal (the caller's patient attribute)");

/** Resource types the embedded store and the tools know. */
export const SUPPORTED_RESOURCE_TYPES = [
  "Patient",
  "Practitioner",
  "Organization",
  "Encounter",
  "Condition",
  "Observation",
  "MedicationRequest",
  "AllergyIntolerance",
  "Immunization",
  "Procedure",
  "Provenance",
] as const;

/** A FHIR resource type name (PascalCase), undescribed: for array items, whose array carries the description. */
export const ResourceTypeItem = z.string().regex(/^[A-Z][A-Za-z]{1,63}$/, "a FHIR resource type such as Observation");

/** A FHIR resource type name (PascalCase). */
export const ResourceTypeName = ResourceTypeItem.describe("FHIR resource type, e.g. Observation");

/** One SMART scope the server advertises, and whether it is required. */
export const AdvertisedScope = z
  .object({
    name: z.string().min(1).max(200).describe("SMART v2 scope, e.g. patient/*.rs"),
    required: z.boolean().default(false).describe("Whether a caller without a principal acts with this scope"),
  })
  .describe("A SMART scope the server understands");

const DEFAULT_SYSTEMS = ["http://loinc.org", "http://snomed.info/sct", "http://www.nlm.nih.gov/research/umls/rxnorm", "http://hl7.org/fhir/sid/cvx"];
const DEFAULT_LIMITS = { defaultCount: 20, maxCount: 100, maxBytes: 65_536 };

/** Output bounds, as configured and as in force. */
const Limits = z.object({
  defaultCount: z.number().int().min(1).max(100).default(20).describe("Page size when a call gives no count"),
  maxCount: z.number().int().min(1).max(100).default(100).describe("Largest page size a call may ask for"),
  maxBytes: z.number().int().min(1024).max(1_048_576).default(65_536).describe("Largest serialized result of one call, in bytes"),
});

/** What the server advertises under `capabilities.extensions["io.github.mcp-verticals/healthcare"]`. */
export const HealthcareServerSettings = z.object({
  fhirVersion: z.literal("4.0.1").default("4.0.1").describe("FHIR version served; only 4.0.1 (R4)"),
  resourceTypes: z.array(ResourceTypeItem).min(1).default([...SUPPORTED_RESOURCE_TYPES]).describe("Resource types the tools serve"),
  access: z.enum(["read", "read-write"]).default("read").describe("read (default) or read-write (fhir_write may write, with a SMART write scope and human approval)"),
  scopes: z.array(AdvertisedScope).default([{ name: "patient/*.rs", required: true }]).describe("SMART v2 scopes this server understands; callers without a principal act with the required ones"),
  patientContext: z
    .object({
      mode: PatientContextMode.default("none"),
      patient: z.string().max(128).optional().describe("For fixed: the patient id (Patient/123 or 123)"),
    })
    .default({ mode: "none" })
    .describe("Which patient every call is limited to, if any"),
  phi: z
    .object({
      mode: PhiMode.default("identified").describe("The most revealing PHI mode this server allows"),
      freeText: FreeTextPolicy.default("scrub"),
    })
    .default({ mode: "identified", freeText: "scrub" })
    .describe("PHI handling: the most revealing mode allowed and the free-text policy"),
  limits: Limits.default(DEFAULT_LIMITS).describe("Output bounds"),
  formats: z.array(OutputFormat).min(1).default(["compact", "fhir"]).describe("Output formats offered"),
  terminology: z
    .object({
      systems: z.array(z.string().url()).default(DEFAULT_SYSTEMS).describe("Code system URIs served"),
      operations: z.array(z.enum(["$lookup", "$validate-code", "$expand"])).default(["$lookup", "$validate-code", "$expand"]).describe("Terminology operations served"),
    })
    .default({ systems: DEFAULT_SYSTEMS, operations: ["$lookup", "$validate-code", "$expand"] })
    .describe("Terminology systems and operations served"),
  operations: z.array(z.enum(["$everything", "$validate"])).default(["$everything", "$validate"]).describe("FHIR operations served"),
  audit: z
    .object({ auditEvent: z.boolean().default(true).describe("Record every call and denial as an AuditEvent-shaped record without content") })
    .default({ auditEvent: true })
    .describe("Audit settings"),
});

/** What a client declares. Strict: a typo is refused, not ignored. */
export const HealthcareClientSettings = z.strictObject({
  acceptPhi: PhiMode.default("safe-harbor").describe("The most revealing PHI the client accepts; the stricter of this and the server's mode wins"),
  formats: z.array(OutputFormat).min(1).optional().describe("Formats the client can use (default: every format offered)"),
  canConfirmWrites: z.boolean().default(false).describe("Whether the client can put a write in front of a human for confirmation"),
});

/** The settings in force for one request. */
export const HealthcareEffectiveSettings = z.object({
  fhirVersion: z.string().describe("FHIR version served"),
  resourceTypes: z.array(z.string()).describe("Resource types the tools serve"),
  access: z.enum(["read", "read-write"]).describe("read, or read-write when writes are enabled for this client"),
  phiMode: PhiMode.describe("The PHI mode in force: the stricter of server and client"),
  freeText: FreeTextPolicy,
  patientContextMode: PatientContextMode,
  fixedPatient: z.string().optional().describe("The configured patient id in fixed mode"),
  scopes: z.array(z.string()).describe("SMART scopes the server understands"),
  limits: z
    .object({ defaultCount: z.number().int().describe("Default page size"), maxCount: z.number().int().describe("Largest page size"), maxBytes: z.number().int().describe("Largest result in bytes") })
    .describe("Output bounds in force"),
  formats: z.array(OutputFormat).describe("Output formats in force"),
  terminologySystems: z.array(z.string()).describe("Code system URIs served"),
  writesEnabled: z.boolean().describe("Whether fhir_write may perform writes (read-write server, declaring client that can confirm)"),
  negotiated: z.boolean().describe("Whether the client negotiated the extension"),
});

export type HealthcareServerSettings = z.output<typeof HealthcareServerSettings>;
export type HealthcareClientSettings = z.output<typeof HealthcareClientSettings>;
export type HealthcareEffectiveSettings = z.output<typeof HealthcareEffectiveSettings>;

const STRICTNESS: Record<PhiMode, number> = { identified: 0, limited: 1, "safe-harbor": 2 };

/**
 * The stricter of two PHI modes.
 *
 * @example
 * ```ts
 * stricterPhiMode("identified", "safe-harbor"); // "safe-harbor"
 * ```
 */
export function stricterPhiMode(a: PhiMode, b: PhiMode): PhiMode {
  return STRICTNESS[a] >= STRICTNESS[b] ? a : b;
}

/**
 * Negotiates the effective settings: the stricter PHI mode wins; a client that did not
 * declare the extension gets safe-harbor and read-only, with every read tool still working.
 *
 * @example
 * ```ts
 * negotiateHealthcare(HealthcareServerSettings.parse({}), undefined).phiMode; // "safe-harbor"
 * ```
 */
export function negotiateHealthcare(server: HealthcareServerSettings, client: HealthcareClientSettings | undefined): HealthcareEffectiveSettings {
  const phiMode = client ? stricterPhiMode(server.phi.mode, client.acceptPhi) : "safe-harbor";
  const formats = client?.formats ? server.formats.filter((format) => client.formats!.includes(format)) : server.formats;
  const writesEnabled = server.access === "read-write" && client !== undefined && client.canConfirmWrites;
  return {
    fhirVersion: server.fhirVersion,
    resourceTypes: server.resourceTypes,
    access: writesEnabled ? "read-write" : "read",
    phiMode,
    freeText: phiMode === "identified" ? server.phi.freeText : server.phi.freeText === "keep" ? "scrub" : server.phi.freeText,
    patientContextMode: server.patientContext.mode,
    ...(server.patientContext.patient ? { fixedPatient: server.patientContext.patient.replace(/^Patient\//, "") } : {}),
    scopes: server.scopes.map((scope) => scope.name),
    limits: server.limits,
    formats: formats.length > 0 ? formats : ["compact"],
    terminologySystems: server.terminology.systems,
    writesEnabled,
    negotiated: client !== undefined,
  };
}
