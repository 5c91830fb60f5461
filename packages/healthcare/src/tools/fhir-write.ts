import type { Provenance, Resource } from "@medplum/fhirtypes";
import { confirmWithUser, defineTool, ExtensionError, isExtensionError } from "@mcp-verticals/core";
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
  action: z.enum(["create", "update"]),
  resource: FhirResourceJson.describe("The full resource; for update it must carry its id."),
  reason: z.string().min(3).max(300).describe("Why the write is needed, shown to the human who confirms it."),
  dryRun: z.boolean().default(true).describe("Default true: validate and preview only. A real write needs dryRun false and the confirmToken from the dry run."),
  confirmToken: z.string().max(4096).optional().describe("Token from the dry run, after the human approved its preview."),
});

/** The question put to the human: action, type, code and patient, all from validated data, never the model's reason. */
function confirmationMessage(context: HealthcareContext, action: "create" | "update", resource: Record<string, any>): string {
  const code = resource.code?.coding?.[0] ?? resource.medicationCodeableConcept?.coding?.[0] ?? resource.vaccineCode?.coding?.[0];
  const subject = resource.subject?.reference ?? resource.patient?.reference;
  const what = code?.system && code?.code ? context.services.terminology.lookup(code.system, code.code)?.display ?? `${code.system}|${code.code}` : "no code";
  const who = typeof subject === "string" ? citeOf(context, subject.split("/")[0]!, subject.split("/")[1] ?? "") : "no patient";
  return `Allow the AI assistant to ${action} a FHIR ${resource.resourceType} (${what}) for ${who}? It will be labelled AI-asserted and recorded in a Provenance.`;
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
  description:
    "Creates or updates one FHIR resource. Dry run by default: returns validation issues, whether the write is allowed, a preview and a confirmToken. Show the preview to the user; only after they approve, call again with the same action, resource and reason plus dryRun false and the confirmToken (clients with form elicitation may omit the token: the server then asks the user itself). Needs a read-write server, a SMART write scope and a client that can confirm writes. Every write is labelled AI-asserted and gets a Provenance record.",
  input: Input,
  output: z.object({
    status: z.enum(["dry-run", "invalid", "written"]),
    allowed: z.boolean(),
    denial: z.object({ code: z.string(), message: z.string() }).optional(),
    issues: z.array(GroupedIssueSchema),
    preview: z.string().optional(),
    confirmToken: z.string().optional(),
    expiresAt: z.string().optional(),
    ref: z.string().optional(),
    provenance: z.string().optional(),
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
      ? `Written ${output.ref} (provenance ${output.provenance}).`
      : `${output.status}: ${output.allowed ? "allowed" : `not allowed (${output.denial?.code})`}. ${output.preview ?? ""}${output.issues.length ? ` Issues: ${output.issues.map((issue) => issue.message).join("; ")}` : ""}`,
  handler: async (input, context: HealthcareContext) =>
    guarded(context, "fhir_write", input.action === "create" ? "C" : "U", input.resource.resourceType, async (access) => {
      const issues = withSafePaths(validateResource(input.resource), context.settings.phiMode, context.services.pseudonyms.fingerprint);
      if (input.action === "update" && !input.resource.id) issues.push({ severity: "error", code: "required", path: `${input.resource.resourceType}.id`, message: "update needs the resource id" });
      const grouped = groupIssues(issues, 20).groups;
      const hasErrors = issues.some((issue) => issue.severity === "error");
      const resource = mapReferences(context, input.resource);
      const args = { action: input.action, resource: input.resource, reason: input.reason };
      // The preview goes back to the client, so it passes the same PHI filter as every other output.
      const reasonShown = context.settings.phiMode === "identified" ? input.reason : scrubFreeText(input.reason, context.services.knownNames);
      const preview = `${input.action} ${input.resource.resourceType}${input.resource.id ? `/${input.resource.id}` : ""} — reason: ${reasonShown}`;
      const check = () => {
        if (!context.settings.writesEnabled) throw new ExtensionError("WRITE_NOT_ALLOWED", "writes need a read-write server and a client that declared it can confirm writes");
        requireServedType(context, input.resource.resourceType, "resource.resourceType");
        requireScope(access.scopes, input.resource.resourceType, input.action === "create" ? "c" : "u");
        if (!inPatientContext(resource, access.patient)) throw new ExtensionError("PATIENT_OUT_OF_CONTEXT", "the resource belongs to a patient other than the one in context", { field: "resource" });
      };
      type Output = { status: "dry-run" | "invalid" | "written"; allowed: boolean; denial?: { code: string; message: string }; issues: typeof grouped; preview?: string; confirmToken?: string; expiresAt?: string; ref?: string; provenance?: string };
      if (input.dryRun) {
        let denial: { code: string; message: string } | undefined;
        try {
          check();
        } catch (error) {
          if (!isExtensionError(error)) throw error;
          denial = { code: error.code, message: error.message };
        }
        const allowed = denial === undefined && !hasErrors;
        const prepared = allowed ? context.services.approvals.prepare({ binding: "fhir_write", args, ...(context.principal ? { principal: context.principal.id } : {}), preview }) : undefined;
        const value: Output = {
            status: hasErrors ? ("invalid" as const) : ("dry-run" as const),
            allowed,
            ...(denial ? { denial } : {}),
            issues: grouped,
            preview,
            ...(prepared ? { confirmToken: prepared.token, expiresAt: prepared.expiresAt } : {}),
        };
        return { value };
      }
      check();
      if (hasErrors) throw new ExtensionError("VALIDATION_FAILED", "the resource does not validate; run a dry run to see the issues", { field: "resource" });
      if (input.confirmToken) {
        await context.services.approvals.confirm({ token: input.confirmToken, binding: "fhir_write", args, ...(context.principal ? { principal: context.principal.id } : {}) });
      } else {
        // Ask the human directly when the client supports form elicitation; the message is built from server data only.
        const answer = await confirmWithUser(context, confirmationMessage(context, input.action, resource));
        if (answer === "declined") throw new ExtensionError("APPROVAL_DECLINED", "the user declined the write");
        if (answer === "unavailable") throw new ExtensionError("CONFIRMATION_REQUIRED", "a real write needs the confirmToken from an approved dry run", { field: "confirmToken" });
      }
      const labelled = { ...resource, meta: { ...resource.meta, security: [...(resource.meta?.security ?? []), AI_ASSERTED_LABEL] } } as Resource;
      const written = input.action === "create" ? await context.services.fhir.create(labelled) : await context.services.fhir.update(labelled);
      const provenance: Provenance = {
        resourceType: "Provenance",
        meta: { security: [AI_ASSERTED_LABEL] },
        target: [{ reference: `${written.resourceType}/${written.id}` }],
        recorded: new Date().toISOString(),
        activity: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v3-DataOperation", code: input.action === "create" ? "CREATE" : "UPDATE" }] },
        reason: [{ text: input.reason }],
        agent: [
          {
            type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/provenance-participant-type", code: "assembler", display: "Assembler" }] },
            who: { display: "AI assistant via MCP" },
          },
          ...(context.principal ? [{ type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/provenance-participant-type", code: "verifier", display: "Verifier" }] }, who: { display: "confirming user" } }] : []),
        ],
      };
      const storedProvenance = await context.services.fhir.create(provenance);
      const value: Output = {
          status: "written",
          allowed: true,
          issues: grouped,
          ref: citeOf(context, written.resourceType, written.id!),
          provenance: citeOf(context, "Provenance", storedProvenance.id!),
      };
      return { value, count: 1 };
    }),
});

