import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import type { HealthcareContext } from "../context.js";
import { FhirResourceJson } from "../schemas/fhir.js";
import { groupIssues, validateResource } from "../validation/validate.js";
import { withSafePaths } from "../validation/safe-paths.js";
import { guarded, inPatientContext, realId, requireScope, withinAccess } from "../phi/gateway.js";

/** One group of validation issues. */
export const GroupedIssueSchema = z.object({
  severity: z.enum(["error", "warning"]),
  code: z.string(),
  message: z.string(),
  count: z.number().int(),
  paths: z.array(z.string()).max(3),
});

/** `fhir_validate`: structural and required-binding validation of one resource or Bundle. */
export const fhirValidateTool = defineTool({
  name: "fhir_validate",
  title: "Validate a FHIR resource",
  description:
    "Validates one FHIR R4 resource or Bundle (JSON, or a stored one by reference Type/id) against the base specification: unknown elements, cardinality, primitive formats and calendar dates, choice types (incl. required ones such as MedicationRequest.medication[x]), _x primitive siblings, narrative shape, required value-set bindings such as Patient.gender, and for Bundles the bdl-* invariants, fullUrl and entry.request rules, in-bundle reference resolution and each entry's resource. Issues are grouped (same problem → one entry with a count and up to 3 paths) and capped at 20 groups. Use it before fhir_write.",
  input: z.object({
    resource: FhirResourceJson.optional().describe("The resource JSON to validate."),
    reference: z.string().regex(/^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/).optional().describe("Or a stored resource to validate, as Type/id."),
  }),
  output: z.object({ valid: z.boolean(), errorCount: z.number().int(), warningCount: z.number().int(), issues: z.array(GroupedIssueSchema), truncated: z.boolean() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ resource: { resourceType: "Patient", gender: "female", birthDate: "1970-05-03" } }, { reference: "Observation/observation-002-1" }],
  render: (output) => (output.valid ? "valid" : `invalid: ${output.issues.map((issue) => `${issue.message} ×${issue.count} at ${issue.paths.join(", ")}`).join("; ")}`),
  handler: async (input, context: HealthcareContext) => {
    if ((input.resource === undefined) === (input.reference === undefined)) {
      throw new ExtensionError("INVALID_ARGUMENTS", "pass exactly one of resource or reference", { field: input.resource ? "reference" : "resource" });
    }
    const resource: { resourceType: string } =
      input.resource ??
      (await guarded(context, "fhir_validate", "R", input.reference!.split("/")[0], async (access) => {
        const [type, id] = input.reference!.split("/") as [string, string];
        requireScope(access.scopes, type, "r");
        const stored = await context.services.fhir.read(type, realId(context, type, id));
        if (!stored) throw new ExtensionError("NOT_FOUND", "no resource of that type has that id", { field: "reference" });
        if (!inPatientContext(stored, access.patient) || withinAccess(access, [stored], "r").kept.length === 0) {
          throw new ExtensionError("PATIENT_OUT_OF_CONTEXT", "the resource is outside the patient in context or the granted scopes", { field: "reference" });
        }
        return { value: stored, count: 1 };
      }));
    const issues = withSafePaths(validateResource(resource), context.settings.phiMode, context.services.pseudonyms.fingerprint);
    const { groups, truncated } = groupIssues(issues, 20);
    const errorCount = issues.filter((issue) => issue.severity === "error").length;
    await context.audit({ binding: "fhir_validate", outcome: "ok", detail: { resourceType: "AuditEvent", action: "E", entityType: String(resource.resourceType), count: errorCount, phiMode: context.settings.phiMode } });
    return { valid: errorCount === 0, errorCount, warningCount: issues.length - errorCount, issues: groups, truncated };
  },
});
