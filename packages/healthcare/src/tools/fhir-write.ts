import { createHash } from "node:crypto";
import type { Coding, Provenance, Resource } from "@medplum/fhirtypes";
import { defineTool, ExtensionError, isExtensionError, requireHumanApproval, type ApprovalPreview } from "@mcp-verticals/core";
import { z } from "zod";
import type { HealthcareContext } from "../context.js";
import { FhirResourceJson } from "../schemas/fhir.js";
import { citeOf, guarded, inPatientContext, realReference, requireScope } from "../phi/gateway.js";
import { groupIssues, validateResource } from "../validation/validate.js";
import { withSafePaths } from "../validation/safe-paths.js";
import { scrubFreeText } from "../phi/deidentify.js";
import { GroupedIssueSchema } from "./fhir-validate.js";
import { requireServedType } from "./shared.js";

/** The AI Transparency on FHIR security label for AI-asserted content. */
export const AI_ASSERTED_LABEL = { system: "http://terminology.hl7.org/CodeSystem/v3-ObservationValue", code: "AIAST", display: "artificial intelligence asserted" } as const;

const Input = z.object({
  action: z.enum(["create", "update"]).describe("create or update"),
  resource: FhirResourceJson.describe("The full resource; for update with its id"),
  reason: z.string().min(3).max(300).describe("Why the write is needed, shown to the approving human as your words"),
  dryRun: z.boolean().default(true).describe("true (default): validate and preview only; false: ask a human to approve, then write"),
  idempotencyKey: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,255}$/)
    .optional()
    .describe("With dryRun false: a key unique to this write; a retry with it and the same arguments returns the first result"),
});

/** The tag system marking a write made under an idempotency key (its code is a digest of caller and key, no PHI). */
export const WRITE_KEY_TAG_SYSTEM = "urn:mcp-verticals:healthcare:write-key";

/** Longest resource text shown in the approval preview. */
const PREVIEW_RESOURCE_CHARS = 4000;

/**
 * What the human approves: action, type, the code's display from the server's terminology and
 * the patient, all from validated data; the resource content and the reason came from the
 * model and are fenced as such.
 */
function approvalPreview(context: HealthcareContext, action: "create" | "update", resource: Record<string, any>, reasonShown: string): ApprovalPreview {
  const code = resource.code?.coding?.[0] ?? resource.medicationCodeableConcept?.coding?.[0] ?? resource.vaccineCode?.coding?.[0];
  const subject = resource.subject?.reference ?? resource.patient?.reference;
  const what = code?.system && code?.code ? context.services.terminology.lookup(code.system, code.code)?.display ?? `${code.system}|${code.code} (not in the server's terminology)` : "no code";
  const who = typeof subject === "string" ? citeOf(context, subject.split("/")[0]!, subject.split("/")[1] ?? "") : "no patient";
  const json = JSON.stringify(resource, null, 1);
  return {
    title: `Allow the AI assistant to ${action} this FHIR ${resource.resourceType}?`,
    facts: [`${action} ${resource.resourceType}${resource.id ? `/${resource.id}` : ""}: ${what}`, `Patient: ${who}`, "It will be labelled AI-asserted and recorded in a Provenance."],
    modelSupplied: [
      { label: "reason", text: reasonShown },
      { label: "resource content", text: json.length > PREVIEW_RESOURCE_CHARS ? `${json.slice(0, PREVIEW_RESOURCE_CHARS)}\n… (${json.length - PREVIEW_RESOURCE_CHARS} more characters)` : json },
    ],
  };
}

function mapReferences(context: HealthcareContext, resource: Record<string, any>): Resource {
  const copy = structuredClone(resource);
  for (const key of ["subject", "patient", "encounter"]) {
    if (typeof copy[key]?.reference === "string") copy[key].reference = realReference(context, copy[key].reference, key === "encounter" ? "Encounter" : "Patient");
  }
  if (copy.id && context.settings.phiMode !== "identified") copy.id = context.services.pseudonyms.resolve(copy.resourceType, copy.id) ?? copy.id;
  return copy as Resource;
}

/** `fhir_write`: create or update one resource, dry run by default, confirmed by a human, with Provenance. */
export const fhirWriteTool = defineTool({
  name: "fhir_write",
  title: "Write a FHIR resource",
  toolset: "write",
  description:
    "Creates or updates one FHIR resource. Dry run by default: validation issues, whether it is allowed, a preview. With dryRun false a human approves exactly this resource (in your client's form, or answer APPROVAL_PENDING: tell the user, then call again unchanged). Needs a read-write server and a SMART write scope; writes are labelled AI-asserted with a Provenance.",
  input: Input,
  output: z.object({
    status: z.enum(["dry-run", "invalid", "written"]).describe("dry-run, invalid (see issues) or written"),
    allowed: z.boolean().describe("Whether this write would be allowed"),
    denial: z.object({ code: z.string().describe("Error code"), message: z.string().describe("Why not") }).optional().describe("Why the write is not allowed"),
    issues: z.array(GroupedIssueSchema).describe("Validation issues"),
    preview: z.string().optional().describe("What would be written, and why"),
    ref: z.string().optional().describe("Type/id of the written resource"),
    provenance: z.string().optional().describe("Provenance/id recording the write"),
    idempotentReplayed: z.boolean().optional().describe("True when this replays an earlier write with the same idempotencyKey"),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  examples: [
    {
      action: "create",
      reason: "Record home blood pressure reading reported by the patient",
      resource: {
        resourceType: "Observation",
        status: "final",
        category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "vital-signs" }] }],
        code: { coding: [{ system: "http://loinc.org", code: "8480-6", display: "Systolic blood pressure" }] },
        subject: { reference: "Patient/patient-002" },
        valueQuantity: { value: 128, unit: "mm[Hg]", system: "http://unitsofmeasure.org", code: "mm[Hg]" },
      },
    },
  ],
  render: (output) =>
    output.status === "written"
      ? `Written ${output.ref} (provenance ${output.provenance})${output.idempotentReplayed ? ", replayed from the first call with this idempotencyKey" : ""}.`
      : `${output.status}: ${output.allowed ? "allowed" : `not allowed (${output.denial ? `${output.denial.code}: ${output.denial.message}` : "see issues"})`}. ${output.preview ?? ""}${output.issues.length ? ` Issues: ${output.issues.map((issue) => issue.message).join("; ")}` : ""}`,
  handler: async (input, context: HealthcareContext) =>
    guarded(context, "fhir_write", input.action === "create" ? "C" : "U", input.resource.resourceType, async (access) => {
      const issues = withSafePaths(validateResource(input.resource), context.settings.phiMode, context.services.pseudonyms.fingerprint);
      if (input.action === "update" && !input.resource.id) issues.push({ severity: "error", code: "required", path: `${input.resource.resourceType}.id`, message: "update needs the resource id" });
      const grouped = groupIssues(issues, 20).groups;
      const hasErrors = issues.some((issue) => issue.severity === "error");
      const resource = mapReferences(context, input.resource);
      // The approval covers exactly these: any other resource or reason needs its own.
      const args = { action: input.action, resource: input.resource, reason: input.reason };
      // The preview goes back to the client, so it passes the same PHI filter as every other output.
      const reasonShown = context.settings.phiMode === "identified" ? input.reason : scrubFreeText(input.reason, context.services.knownNames);
      const preview = `${input.action} ${input.resource.resourceType}${input.resource.id ? `/${input.resource.id}` : ""} — reason: ${reasonShown}`;
      const check = () => {
        // A human approves every write through the server's own channels, so any client may ask for one.
        if (context.serverSettings.access !== "read-write") throw new ExtensionError("WRITE_NOT_ALLOWED", "writes need a server configured read-write");
        requireServedType(context, input.resource.resourceType, "resource.resourceType");
        requireScope(access.scopes, input.resource.resourceType, input.action === "create" ? "c" : "u");
        if (!inPatientContext(resource, access.patient)) throw new ExtensionError("PATIENT_OUT_OF_CONTEXT", "the resource belongs to a patient other than the one in context", { field: "resource" });
      };
      type Output = { status: "dry-run" | "invalid" | "written"; allowed: boolean; denial?: { code: string; message: string }; issues: typeof grouped; preview?: string; ref?: string; provenance?: string; idempotentReplayed?: boolean };
      if (input.dryRun) {
        let denial: { code: string; message: string } | undefined;
        try {
          check();
        } catch (error) {
          if (!isExtensionError(error)) throw error;
          denial = { code: error.code, message: error.message };
        }
        const allowed = denial === undefined && !hasErrors;
        const value: Output = {
            status: hasErrors ? ("invalid" as const) : ("dry-run" as const),
            allowed,
            ...(denial ? { denial } : {}),
            issues: grouped,
            preview,
        };
        return { value };
      }
      check();
      if (hasErrors) throw new ExtensionError("VALIDATION_FAILED", "the resource does not validate; run a dry run to see the issues", { field: "resource" });
      const key = input.idempotencyKey;
      const tag: Coding | undefined = key === undefined ? undefined : { system: WRITE_KEY_TAG_SYSTEM, code: writeKeyDigest(context, key) };
      const write = async ({ resumed }: { resumed: boolean }): Promise<Output> => {
        // A worker that died mid-write may have written already: finish what it started instead of writing twice.
        if (resumed && tag) {
          const earlier = await findTaggedWrite(context, input.action, input.resource.resourceType, tag, resource.id);
          if (earlier) return earlier;
        }
        // The decision lives in the server's approval state, written only through a human channel.
        const decision = await requireHumanApproval(context, { binding: "fhir_write", args, preview: approvalPreview(context, input.action, resource, reasonShown) });
        if (decision.decision === "declined") throw new ExtensionError("APPROVAL_DECLINED", "the approver declined the write; nothing was written");
        const labelled = { ...resource, meta: { ...resource.meta, security: [...(resource.meta?.security ?? []), AI_ASSERTED_LABEL], ...(tag ? { tag: [...(resource.meta?.tag ?? []), tag] } : {}) } } as Resource;
        const written = input.action === "create" ? await context.services.fhir.create(labelled) : await context.services.fhir.update(labelled);
        const provenance: Provenance = {
          resourceType: "Provenance",
          meta: { security: [AI_ASSERTED_LABEL], ...(tag ? { tag: [tag] } : {}) },
          target: [{ reference: `${written.resourceType}/${written.id}` }],
          recorded: new Date().toISOString(),
          activity: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v3-DataOperation", code: input.action === "create" ? "CREATE" : "UPDATE" }] },
          reason: [{ text: input.reason }],
          agent: [
            {
              type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/provenance-participant-type", code: "assembler", display: "Assembler" }] },
              who: { display: "AI assistant via MCP" },
            },
            // The human who approved, as the server recorded the decision (never as the model claimed it).
            { type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/provenance-participant-type", code: "verifier", display: "Verifier" }] }, who: { display: `approved by ${decision.decidedBy} via ${decision.channel}` } },
          ],
        };
        const storedProvenance = await context.services.fhir.create(provenance);
        return {
          status: "written",
          allowed: true,
          issues: grouped,
          ref: citeOf(context, written.resourceType, written.id!),
          provenance: citeOf(context, "Provenance", storedProvenance.id!),
        };
      };
      if (key === undefined) return { value: await write({ resumed: false }), count: 1 };
      const run = await context.services.idempotency.run({ scope: `fhir_write:${context.principal?.id ?? ""}`, key, args }, write);
      return { value: { ...run.result, idempotentReplayed: run.replayed }, count: run.replayed ? 0 : 1 };
    }),
});

/** The tag code of a keyed write: the same for a caller and key on every replica, meaningless to anyone else. */
function writeKeyDigest(context: HealthcareContext, key: string): string {
  return createHash("sha256").update(`${context.principal?.id ?? ""}\u0000${key}`).digest("hex").slice(0, 32);
}

/** The resource (and its Provenance) an earlier attempt with this key wrote, if it got that far. */
async function findTaggedWrite(context: HealthcareContext, action: "create" | "update", resourceType: string, tag: Coding, id: string | undefined) {
  const token = `${tag.system}|${tag.code}`;
  const found = await context.services.fhir.search(resourceType, { _tag: token, ...(id ? { _id: id } : {}) }, { count: 1 });
  const written = found.resources[0];
  if (!written?.id) return undefined;
  const reference = `${written.resourceType}/${written.id}`;
  const provenances = await context.services.fhir.search("Provenance", { target: reference, _tag: token }, { count: 1 });
  // The attempt died between the write and its Provenance: record it now; only an approved attempt writes.
  const provenance =
    provenances.resources[0] ??
    (await context.services.fhir.create({
      resourceType: "Provenance",
      meta: { security: [AI_ASSERTED_LABEL], tag: [tag] },
      target: [{ reference }],
      recorded: new Date().toISOString(),
      activity: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v3-DataOperation", code: action === "create" ? "CREATE" : "UPDATE" }] },
      agent: [{ type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/provenance-participant-type", code: "verifier", display: "Verifier" }] }, who: { display: "approved by a human; the write was completed after a server restart" } }],
    } as Provenance));
  return {
    status: "written" as const,
    allowed: true,
    issues: [],
    ref: citeOf(context, written.resourceType, written.id),
    provenance: citeOf(context, "Provenance", provenance.id!),
  };
}
