import type { Resource } from "@medplum/fhirtypes";
import { ExtensionError, fenceUntrustedText } from "@mcp-verticals/core";
import type { HealthcareContext } from "../context.js";
import { patientParameterOf, patientReferencesOf, SEARCH_PARAMETERS, type SearchParams } from "../backend/search-engine.js";
import { deidentifyResource, namesIn } from "./deidentify.js";
import { parseSmartScopes, requireScope, resourceWithinScopes, type SmartScope } from "./smart-scopes.js";
import { checkSearchParameter, type SearchPolicyContext } from "./search-policy.js";

/** The access decision for one call: who, which patient, which scopes. */
export interface AccessDecision {
  /** Real id of the patient in context, if any. */
  patient: string | undefined;
  scopes: SmartScope[];
}

/** Records an AuditEvent-shaped entry (BALP-style, no content) for one call. */
export async function auditCall(
  context: HealthcareContext,
  binding: string,
  outcome: "ok" | "denied" | "error",
  detail: { action: "R" | "E" | "C" | "U" | "D"; resourceType?: string; count?: number; code?: string; subjects?: string[] },
): Promise<void> {
  await context.audit({
    binding,
    outcome,
    ...(detail.code ? { code: detail.code } : {}),
    ...(detail.subjects && detail.subjects.length > 0 ? { subjects: detail.subjects } : {}),
    detail: {
      resourceType: "AuditEvent",
      type: "http://dicom.nema.org/resources/ontology/DCM|110112",
      subtype: `http://hl7.org/fhir/restful-interaction|${detail.action === "E" ? "search" : detail.action === "C" ? "create" : detail.action === "U" ? "update" : "read"}`,
      action: detail.action,
      outcome: outcome === "ok" ? "0" : outcome === "denied" ? "4" : "8",
      entityType: detail.resourceType ?? null,
      count: detail.count ?? null,
      phiMode: context.settings.phiMode,
      era: context.era,
    },
  });
}

/**
 * Wraps a tool handler: decides access (fail closed in identified mode, SMART scopes, patient
 * context), runs it, and audits the call or the denial. Denials keep their typed code.
 */
export async function guarded<T>(
  context: HealthcareContext,
  binding: string,
  action: "R" | "E" | "C" | "U" | "D",
  resourceType: string | undefined,
  run: (access: AccessDecision) => Promise<{ value: T; count?: number; subjects?: string[] }>,
): Promise<T> {
  try {
    const access = decideAccess(context);
    const { value, count, subjects } = await run(access);
    await auditCall(context, binding, "ok", { action, ...(resourceType ? { resourceType } : {}), ...(count === undefined ? {} : { count }), subjects: [...(access.patient ? [`Patient/${access.patient}`] : []), ...(subjects ?? [])] });
    return value;
  } catch (error) {
    const code = error instanceof ExtensionError ? error.code : "INTERNAL_ERROR";
    const denied = ["PATIENT_CONTEXT_REQUIRED", "AUTHENTICATION_REQUIRED", "SCOPE_DENIED", "PATIENT_OUT_OF_CONTEXT", "WRITE_NOT_ALLOWED"].includes(code);
    await auditCall(context, binding, denied ? "denied" : "error", { action, ...(resourceType ? { resourceType } : {}), code });
    throw error;
  }
}

/** Resolves who may see what for this call; throws typed denials. */
export function decideAccess(context: HealthcareContext): AccessDecision {
  const { settings, principal } = context;
  const patient =
    settings.patientContextMode === "fixed" ? settings.fixedPatient : settings.patientContextMode === "principal" ? principal?.attributes?.patient?.replace(/^Patient\//, "") : undefined;
  // A caller authenticated without scopes (e.g. by a static bearer token) acts with the deployment's configured scopes.
  const scopes = parseSmartScopes(principal && principal.scopes.length > 0 ? principal.scopes : settings.scopes);
  if (settings.phiMode === "identified") {
    if (!principal) throw new ExtensionError("AUTHENTICATION_REQUIRED", "identified PHI needs an authenticated caller; none was established");
    if (!patient) throw new ExtensionError("PATIENT_CONTEXT_REQUIRED", "identified PHI needs a patient in context; none was established");
  }
  if (!patient && scopes.length > 0 && scopes.every((scope) => scope.context === "patient") && settings.patientContextMode !== "none") {
    throw new ExtensionError("PATIENT_CONTEXT_REQUIRED", "patient-level scopes need a patient in context");
  }
  return { patient, scopes };
}

/** Resolves an id the model supplied: a pseudonym this deployment issued, or the backend's own id. */
export function realId(context: HealthcareContext, resourceType: string, id: string): string {
  if (context.settings.phiMode === "identified") return id;
  return context.services.pseudonyms.resolve(resourceType, id) ?? id;
}

/** Resolves a `Type/id` or bare id reference the model supplied. */
export function realReference(context: HealthcareContext, reference: string, defaultType: string): string {
  const [type, id] = reference.includes("/") ? (reference.split("/", 2) as [string, string]) : [defaultType, reference];
  return `${type}/${realId(context, type, id)}`;
}

/** Whether a resource lies in the compartment of the patient in context (non-compartment types always do). */
export function inPatientContext(resource: Resource, patient: string | undefined): boolean {
  if (!patient) return true;
  if (resource.resourceType === "Patient") return resource.id === patient;
  if (!patientParameterOf(resource.resourceType)) return true;
  return patientReferencesOf(resource).includes(`Patient/${patient}`);
}

/** The search policy of this call's PHI mode. */
export function searchPolicyOf(context: HealthcareContext): SearchPolicyContext {
  return { phiMode: context.settings.phiMode, fingerprint: (value) => context.services.pseudonyms.fingerprint(value) };
}

/** The default target type of a bare id given to a reference search parameter. */
const REFERENCE_TARGETS: Record<string, string> = { patient: "Patient", subject: "Patient", encounter: "Encounter", "general-practitioner": "Practitioner", requester: "Practitioner", performer: "Practitioner" };

/**
 * Checks search parameters against the PHI mode's search policy (before the backend sees them),
 * constrains them to the patient in context (injects the patient, refuses other patients'
 * references with `PATIENT_OUT_OF_CONTEXT`), and maps pseudonymous ids and references back.
 */
export function constrainSearch(context: HealthcareContext, access: AccessDecision, resourceType: string, params: SearchParams): SearchParams {
  const out: SearchParams = {};
  const policy = searchPolicyOf(context);
  for (const [name, value] of Object.entries(params)) {
    const base = name.split(/[:.]/, 1)[0]!;
    const values = Array.isArray(value) ? value : [value];
    checkSearchParameter(policy, resourceType, name, values);
    const kind = base === "_id" ? "id" : SEARCH_PARAMETERS[resourceType]?.[base]?.kind;
    if ((kind === "id" || kind === "reference") && !name.endsWith(":missing") && !name.includes(".")) {
      const targetType = REFERENCE_TARGETS[base] ?? resourceType;
      const mapped = values.map((item) => item.split(",").map((part) => (kind === "id" ? realId(context, resourceType, part) : realReference(context, part, targetType))).join(","));
      out[name] = mapped.length === 1 ? mapped[0]! : mapped;
    } else out[name] = value;
  }
  if (access.patient) {
    const parameter = patientParameterOf(resourceType);
    const wanted = `Patient/${access.patient}`;
    if (parameter) {
      for (const name of ["patient", "subject", "_id"]) {
        const given = out[name];
        if (given === undefined) continue;
        const values = (Array.isArray(given) ? given : [given]).flatMap((item) => item.split(","));
        const ok = values.every((item) => (name === "_id" && resourceType === "Patient" ? item === access.patient : item === wanted || item === access.patient));
        if (!ok) throw new ExtensionError("PATIENT_OUT_OF_CONTEXT", "the search names a patient other than the one in context", { field: `params.${name}` });
      }
      if (parameter === "_id") out._id = access.patient;
      else if (out.subject === undefined) out[parameter] = wanted;
    }
  }
  return out;
}

/**
 * Refuses a filter that would let a de-identified session re-identify people (see
 * {@link checkSearchParameter}); `field` names the tool argument when it is not `params.<name>`.
 */
export function refuseIdentifyingFilter(context: HealthcareContext, resourceType: string, parameter: string, values: readonly string[], field?: string): void {
  checkSearchParameter(searchPolicyOf(context), resourceType, parameter, values, field);
}

/** Applies the negotiated PHI mode to a resource and fences its narrative as untrusted. */
export function present(context: HealthcareContext, resource: Resource): Resource {
  // Learn names as records pass by, so notes in later resources (e.g. from a remote server) are scrubbed too.
  if (context.settings.phiMode !== "identified" && (resource.resourceType === "Patient" || resource.resourceType === "Practitioner" || resource.resourceType === "RelatedPerson")) {
    namesIn(resource, context.services.knownNames);
  }
  const filtered = deidentifyResource(resource, {
    mode: context.settings.phiMode,
    freeText: context.settings.freeText,
    registry: context.services.pseudonyms,
    knownNames: context.services.knownNames,
  }) as Resource & { text?: { status: string; div: string } };
  if (filtered.text?.div) {
    filtered.text = { ...filtered.text, div: fenceUntrustedText(filtered.text.div, `${filtered.resourceType} narrative`) };
  }
  return filtered;
}

/** The reference the model sees for a resource (`Type/id`, pseudonymized when de-identified). */
export function citeOf(context: HealthcareContext, resourceType: string, id: string): string {
  return context.settings.phiMode === "identified" ? `${resourceType}/${id}` : `${resourceType}/${context.services.pseudonyms.pseudonym(resourceType, id)}`;
}

/** Filters resources to the patient in context and the granted scopes' constraints; counts what was withheld. */
export function withinAccess(access: AccessDecision, resources: Resource[], interaction: "r" | "s"): { kept: Resource[]; withheld: number } {
  const kept: Resource[] = [];
  let withheld = 0;
  for (const resource of resources) {
    const granting = access.scopes.filter((scope) => (scope.resourceType === "*" || scope.resourceType === resource.resourceType) && (scope.interactions.has(interaction) || scope.interactions.has("r")));
    if (inPatientContext(resource, access.patient) && granting.length > 0 && resourceWithinScopes(granting, resource as never)) kept.push(resource);
    else withheld++;
  }
  return { kept, withheld };
}

export { requireScope };
