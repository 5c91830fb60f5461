import { defineTool } from "@mcp-verticals/core";
import { z } from "zod";
import type { HealthcareContext } from "../context.js";
import { ResourceTypeName } from "../schemas/settings.js";
import { searchParameterAllowed } from "../phi/search-policy.js";

/** `fhir_capabilities`: what this FHIR server can do, in at most a few kilobytes. */
export const fhirCapabilitiesTool = defineTool({
  name: "fhir_capabilities",
  title: "FHIR capabilities",
  description:
    "Lists the FHIR resource types this server serves, with their interactions, the search parameters (name and type) this session may use (de-identified sessions cannot filter on names, identifiers, contact details or finer address parts, and under Safe Harbor dates are years only) and operations, plus the negotiated PHI mode, access and limits. Call it first to learn which searches are possible. Pass resourceType to see one type only.",
  input: z.object({ resourceType: ResourceTypeName.optional().describe("Limit the answer to one resource type, e.g. Observation.") }),
  output: z.object({
    fhirVersion: z.string(),
    phiMode: z.string(),
    access: z.enum(["read", "read-write"]),
    limits: z.object({ defaultCount: z.number().int(), maxCount: z.number().int(), maxBytes: z.number().int() }),
    resourceTypes: z.array(z.object({ type: z.string(), interactions: z.array(z.string()), searchParams: z.array(z.object({ name: z.string(), type: z.string() })), includes: z.array(z.string()), operations: z.array(z.string()) })),
    truncated: z.boolean(),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{}, { resourceType: "Observation" }],
  render: (output) =>
    `FHIR ${output.fhirVersion}, PHI mode ${output.phiMode}, access ${output.access}.\n` +
    output.resourceTypes.map((type) => `${type.type}: ${type.searchParams.map((param) => param.name).join(", ")}${type.includes.length ? `; _include ${type.includes.join(", ")}` : ""}${type.operations.length ? ` (ops: ${type.operations.join(", ")})` : ""}`).join("\n"),
  handler: async ({ resourceType }, context: HealthcareContext) => {
    const statement = await context.services.fhir.capabilities();
    const served = (statement.rest?.[0]?.resource ?? []).filter((entry) => context.settings.resourceTypes.includes(entry.type) && (!resourceType || entry.type === resourceType));
    await context.audit({ binding: "fhir_capabilities", outcome: "ok", detail: { resourceType: "AuditEvent", action: "R", entityType: "CapabilityStatement", count: served.length, phiMode: context.settings.phiMode } });
    return {
      fhirVersion: statement.fhirVersion ?? context.settings.fhirVersion,
      phiMode: context.settings.phiMode,
      access: context.settings.writesEnabled ? ("read-write" as const) : ("read" as const),
      limits: context.settings.limits,
      resourceTypes: served.map((entry) => ({
        type: entry.type,
        interactions: (entry.interaction ?? []).map((interaction) => interaction.code).filter((code) => context.settings.writesEnabled || (code !== "create" && code !== "update")),
        searchParams: (entry.searchParam ?? []).filter((param) => searchParameterAllowed(context.settings.phiMode, entry.type, param.name)).slice(0, 20).map((param) => ({ name: param.name, type: param.type })),
        includes: (entry.searchInclude ?? []).slice(0, 10),
        operations: (entry.operation ?? []).map((operation) => `$${operation.name}`),
      })),
      truncated: false,
    };
  },
});
