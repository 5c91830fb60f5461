import { defineTool } from "@mcp-verticals/core";
import { z } from "zod";
import type { HealthcareContext } from "../context.js";
import { PhiMode, ResourceTypeName } from "../schemas/settings.js";
import { Count } from "../schemas/fhir.js";
import { searchParameterAllowed } from "../phi/search-policy.js";

/** `fhir_capabilities`: what this FHIR server can do, in at most a few kilobytes. */
export const fhirCapabilitiesTool = defineTool({
  name: "fhir_capabilities",
  title: "FHIR capabilities",
  toolset: "read",
  description:
    "Call first: served types, the search parameters this session may use, includes, operations; PHI mode, access, limits.",
  input: z.object({ resourceType: ResourceTypeName.optional().describe("Only this type") }),
  output: z.object({
    fhirVersion: z.string().describe("FHIR version"),
    phiMode: PhiMode.describe("PHI mode in force"),
    access: z.enum(["read", "read-write"]).describe("read or read-write"),
    limits: z.object({ defaultCount: Count.describe("Default page size"), maxCount: Count.describe("Largest page size"), maxBytes: Count.describe("Largest result in bytes") }).describe("Output bounds"),
    resourceTypes: z
      .array(
        z.object({
          type: z.string().describe("Resource type"),
          interactions: z.array(z.string()).describe("Interactions"),
          searchParams: z.record(z.string(), z.string()).meta({ propertyNames: undefined }).describe("Allowed: name → type"),
          includes: z.array(z.string()).describe("_include values"),
          operations: z.array(z.string()).describe("Operations"),
        }),
      )
      .describe("Served types"),
    truncated: z.boolean().describe("Some lists were cut (20 parameters, 10 includes)"),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{}, { resourceType: "Observation" }],
  render: (output) =>
    `FHIR ${output.fhirVersion}, PHI mode ${output.phiMode}, access ${output.access}.\n` +
    output.resourceTypes.map((type) => `${type.type}: ${Object.keys(type.searchParams).join(", ")}${type.includes.length ? `; _include ${type.includes.join(", ")}` : ""}${type.operations.length ? ` (ops: ${type.operations.join(", ")})` : ""}`).join("\n"),
  handler: async ({ resourceType }, context: HealthcareContext) => {
    const statement = await context.services.fhir.capabilities();
    const served = (statement.rest?.[0]?.resource ?? []).filter((entry) => context.settings.resourceTypes.includes(entry.type) && (!resourceType || entry.type === resourceType));
    await context.audit({ binding: "fhir_capabilities", outcome: "ok", detail: { resourceType: "AuditEvent", action: "R", entityType: "CapabilityStatement", count: served.length, phiMode: context.settings.phiMode } });
    let truncated = false;
    const first = <T>(items: readonly T[], most: number): T[] => {
      if (items.length > most) truncated = true;
      return items.slice(0, most);
    };
    const resourceTypes = served.map((entry) => ({
      type: entry.type,
      interactions: (entry.interaction ?? []).map((interaction) => interaction.code).filter((code) => context.settings.writesEnabled || (code !== "create" && code !== "update")),
      searchParams: Object.fromEntries(first((entry.searchParam ?? []).filter((param) => searchParameterAllowed(context.settings.phiMode, entry.type, param.name)), 20).map((param) => [param.name, param.type])),
      includes: first(entry.searchInclude ?? [], 10),
      operations: (entry.operation ?? []).map((operation) => `$${operation.name}`),
    }));
    return {
      fhirVersion: statement.fhirVersion ?? context.settings.fhirVersion,
      phiMode: context.settings.phiMode,
      access: context.settings.writesEnabled ? ("read-write" as const) : ("read" as const),
      limits: context.settings.limits,
      resourceTypes,
      truncated,
    };
  },
});
