import { defineTool } from "@mcp-verticals/core";
import { z } from "zod";
import type { HealthcareContext } from "../context.js";
import { FhirResourceJson } from "../schemas/fhir.js";
import { groupIssues, validateResource } from "../validation/validate.js";

/** One group of validation issues. */
export const GroupedIssueSchema = z.object({
  severity: z.enum(["error", "warning"]),
  code: z.string(),
  message: z.string(),
  count: z.number().int(),
  paths: z.array(z.string()).max(3),
});

/** `fhir_validate`: structural and required-binding validation of one resource. */
export const fhirValidateTool = defineTool({
  name: "fhir_validate",
  title: "Validate a FHIR resource",
  description:
    "Validates one FHIR R4 resource (JSON) against the base specification: unknown elements, cardinality, primitive formats and calendar dates, choice types, narrative shape and required value-set bindings such as Patient.gender. Issues are grouped (same problem → one entry with a count and up to 3 paths) and capped at 20 groups. Use it before fhir_write.",
  input: z.object({ resource: FhirResourceJson.describe("The resource JSON to validate.") }),
  output: z.object({ valid: z.boolean(), errorCount: z.number().int(), warningCount: z.number().int(), issues: z.array(GroupedIssueSchema), truncated: z.boolean() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ resource: { resourceType: "Patient", gender: "female", birthDate: "1970-05-03" } }],
  render: (output) => (output.valid ? "valid" : `invalid: ${output.issues.map((issue) => `${issue.message} ×${issue.count} at ${issue.paths.join(", ")}`).join("; ")}`),
  handler: async ({ resource }, context: HealthcareContext) => {
    const issues = validateResource(resource);
    const { groups, truncated } = groupIssues(issues, 20);
    const errorCount = issues.filter((issue) => issue.severity === "error").length;
    await context.audit({ binding: "fhir_validate", outcome: "ok", detail: { resourceType: "AuditEvent", action: "E", entityType: String(resource.resourceType), count: errorCount, phiMode: context.settings.phiMode } });
    return { valid: errorCount === 0, errorCount, warningCount: issues.length - errorCount, issues: groups, truncated };
  },
});
