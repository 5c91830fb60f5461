import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import type { HealthcareContext } from "../context.js";
import { Count, FhirResourceJson } from "../schemas/fhir.js";
import { groupIssues, validateResource } from "../validation/validate.js";
import { withSafePaths } from "../validation/safe-paths.js";
import { guarded, inPatientContext, realId, requireScope, withinAccess } from "../phi/gateway.js";

/** One group of validation issues. */
export const GroupedIssueSchema = z
  .object({
    severity: z.enum(["error", "warning"]).describe("error or warning"),
    code: z.string().describe("OperationOutcome issue type, e.g. required"),
    message: z.string().describe("What is wrong"),
    count: Count.describe("Occurrences"),
    paths: z.array(z.string()).max(3).describe("Up to 3 element paths where it occurs"),
  })
  .describe("One validation problem with its count and paths");

/** `fhir_validate`: structural and required-binding validation of one resource or Bundle. */
export const fhirValidateTool = defineTool({
  name: "fhir_validate",
  title: "Validate a FHIR resource",
  toolset: "write",
  description:
    "Validates a FHIR R4 resource or Bundle (JSON, or a stored one as Type/id) against the base specification: elements, cardinality, formats, choice types, required bindings, Bundle rules and references. Issues come grouped (count, up to 3 paths), at most 20 groups. Use it before fhir_write.",
  input: z.object({
    resource: FhirResourceJson.optional().describe("The resource JSON to validate"),
    reference: z.string().regex(/^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/).optional().describe("Or a stored resource, as Type/id"),
  }),
  output: z.object({
    valid: z.boolean().describe("True when there are no errors"),
    errorCount: Count.describe("Errors found"),
    warningCount: Count.describe("Warnings found"),
    issues: z.array(GroupedIssueSchema).describe("Grouped issues"),
    truncated: z.boolean().describe("True when more than 20 groups were found"),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ resource: { resourceType: "Patient", gender: "female", birthDate: "1970-05-03" } }, { reference: "Observation/observation-002-1" }],
  render: (output) =>
    [
      `${output.valid ? "Valid" : "Invalid"}: ${output.errorCount} error(s), ${output.warningCount} warning(s)${output.truncated ? " (first 20 groups shown)" : ""}.`,
      ...output.issues.map((issue) => `${issue.severity} ${issue.code}: ${issue.message} ×${issue.count} at ${issue.paths.join(", ")}`),
    ].join("\n"),
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
