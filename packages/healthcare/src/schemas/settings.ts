import { z } from "zod";

/** PHI handling modes, from most to least revealing. */
export const PhiMode = z.enum(["identified", "limited", "safe-harbor"]);
/** A PHI handling mode. */
export type PhiMode = z.output<typeof PhiMode>;

/** How free text (narrative, notes, comments, `valueString`) is treated when PHI is filtered. */
export const FreeTextPolicy = z.enum(["keep", "scrub", "drop"]);

/** Output formats: `compact` (a flat summary per resource) or `fhir` (the resource JSON). */
export const OutputFormat = z.enum(["compact", "fhir"]);

/** Where the patient in context comes from. */
export const PatientContextMode = z.enum(["none", "fixed", "principal"]);

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

/** A FHIR resource type name (PascalCase). */
export const ResourceTypeName = z.string().regex(/^[A-Z][A-Za-z]{1,63}$/, "a FHIR resource type such as Observation");

/** One SMART scope the server advertises, and whether it is required. */
export const AdvertisedScope = z.object({
  name: z.string().min(1).max(200),
  required: z.boolean().default(false),
});

/** What the server advertises under `capabilities.extensions["io.github.mcp-verticals/healthcare"]`. */
export const HealthcareServerSettings = z.object({
  /** FHIR version served; only 4.0.1 (R4) in this version. */
  fhirVersion: z.literal("4.0.1").default("4.0.1"),
  /** Resource types the tools serve. */
  resourceTypes: z.array(ResourceTypeName).min(1).default([...SUPPORTED_RESOURCE_TYPES]),
  /** `read` (default) or `read-write` (fhir_write becomes usable with scope and confirmation). */
  access: z.enum(["read", "read-write"]).default("read"),
  /** SMART v2 scopes this server understands; callers without a principal act with the required ones. */
  scopes: z.array(AdvertisedScope).default([{ name: "patient/*.rs", required: true }]),
  /** Patient context: none, a fixed patient, or the authenticated principal's `patient` attribute. */
  patientContext: z
    .object({
      mode: PatientContextMode.default("none"),
      /** For `fixed`: the patient id (`Patient/123` or `123`). */
      patient: z.string().max(128).optional(),
    })
    .default({ mode: "none" }),
  /** The most revealing PHI mode this server allows, and its free-text policy. */
  phi: z
    .object({
      mode: PhiMode.default("identified"),
      freeText: FreeTextPolicy.default("scrub"),
    })
    .default({ mode: "identified", freeText: "scrub" }),
  /** Output bounds. */
  limits: z
    .object({
      defaultCount: z.number().int().min(1).max(100).default(20),
      maxCount: z.number().int().min(1).max(100).default(100),
      maxBytes: z.number().int().min(1024).max(1_048_576).default(65_536),
    })
    .default({ defaultCount: 20, maxCount: 100, maxBytes: 65_536 }),
  /** Output formats offered. */
  formats: z.array(OutputFormat).min(1).default(["compact", "fhir"]),
  /** Terminology systems and operations served. */
  terminology: z
    .object({
      systems: z.array(z.string().url()).default([
        "http://loinc.org",
        "http://snomed.info/sct",
        "http://www.nlm.nih.gov/research/umls/rxnorm",
        "http://hl7.org/fhir/sid/cvx",
      ]),
      operations: z.array(z.enum(["$lookup", "$validate-code", "$expand"])).default(["$lookup", "$validate-code", "$expand"]),
    })
    .default({
      systems: ["http://loinc.org", "http://snomed.info/sct", "http://www.nlm.nih.gov/research/umls/rxnorm", "http://hl7.org/fhir/sid/cvx"],
      operations: ["$lookup", "$validate-code", "$expand"],
    }),
  /** FHIR operations served. */
  operations: z.array(z.enum(["$everything", "$validate"])).default(["$everything", "$validate"]),
  /** Audit: every call and denial is recorded as an AuditEvent-shaped record without content. */
  audit: z.object({ auditEvent: z.boolean().default(true) }).default({ auditEvent: true }),
});

/** What a client declares. Strict: a typo is refused, not ignored. */
export const HealthcareClientSettings = z.strictObject({
  /** The most revealing PHI the client accepts; the stricter of this and the server's mode wins. */
  acceptPhi: PhiMode.default("safe-harbor"),
  /** Formats the client can use. */
  formats: z.array(OutputFormat).min(1).optional(),
  /** Whether the client can put a write in front of a human for confirmation. */
  canConfirmWrites: z.boolean().default(false),
});

/** The settings in force for one request. */
export const HealthcareEffectiveSettings = z.object({
  fhirVersion: z.string(),
  resourceTypes: z.array(z.string()),
  access: z.enum(["read", "read-write"]),
  phiMode: PhiMode,
  freeText: FreeTextPolicy,
  patientContextMode: PatientContextMode,
  fixedPatient: z.string().optional(),
  scopes: z.array(z.string()),
  limits: z.object({ defaultCount: z.number().int(), maxCount: z.number().int(), maxBytes: z.number().int() }),
  formats: z.array(OutputFormat),
  terminologySystems: z.array(z.string()),
  /** Whether fhir_write may perform writes (read-write server, declaring client that can confirm). */
  writesEnabled: z.boolean(),
  /** Whether the client negotiated the extension. */
  negotiated: z.boolean(),
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
