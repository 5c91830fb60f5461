import { defineTool, resolveLimit } from "@mcp-verticals/core";
import { z } from "zod";
import type { HealthcareContext } from "../context.js";
import { Count, CursorInput, NextCursor, Truncated } from "../schemas/fhir.js";
import { guarded, refuseIdentifyingFilter, requireScope, withinAccess } from "../phi/gateway.js";
import type { SearchParams } from "../backend/search-engine.js";
import { renderItems } from "./shared.js";

/** A found patient: only what tells candidates apart (the compact view's other fields are redundant for a Patient). */
const PatientSummary = z
  .object({ ref: z.string().describe("Patient/<id>"), display: z.string().optional().describe("Name (*** when masked)"), value: z.string().optional().describe("Gender, birth date") })
  .describe("A patient");

/** `patient_find`: candidate patients with minimal demographics. */
export const patientFindTool = defineTool({
  name: "patient_find",
  title: "Find patients",
  toolset: "search",
  description:
    "Finds patients by name, birth date, gender or identifier; masked per the PHI mode (safe-harbor: no names, birth year only).",
  input: z.object({
    name: z.string().min(1).max(100).optional().describe("Start of a given or family name"),
    birthDate: z.string().regex(/^(eq|ge|le|gt|lt)?\d{4}(-\d{2}(-\d{2})?)?$/).optional().describe("YYYY[-MM[-DD]], optional ge/le prefix"),
    gender: z.enum(["male", "female", "other", "unknown"]).optional().describe("Administrative gender"),
    identifier: z.string().min(1).max(100).optional().describe("system|value or value, e.g. an MRN"),
    count: z.number().int().min(1).max(10).optional().describe("Page size (default 10)"),
    cursor: CursorInput,
  }),
  output: z.object({ patients: z.array(PatientSummary).describe("Matches"), total: Count.optional().describe("Total matches, if counted"), truncated: Truncated, nextCursor: NextCursor }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ gender: "female", birthDate: "ge1960", count: 5 }],
  render: (output) =>
    output.patients.length === 0
      ? "No matching patients."
      : [`${output.patients.length} patient(s)${output.total !== undefined ? ` of ${output.total}` : ""}${output.nextCursor ? "; more with nextCursor" : ""}:`, ...output.patients.map((patient) => `${patient.ref}: ${patient.display ?? "?"} (${patient.value ?? ""})`)].join("\n"),
  handler: async (input, context: HealthcareContext) =>
    guarded(context, "patient_find", "E", "Patient", async (access) => {
      requireScope(access.scopes, "Patient", "s");
      if (input.name) refuseIdentifyingFilter(context, "Patient", "name", [input.name], "name");
      if (input.identifier) refuseIdentifyingFilter(context, "Patient", "identifier", [input.identifier], "identifier");
      if (input.birthDate) refuseIdentifyingFilter(context, "Patient", "birthdate", [input.birthDate], "birthDate");
      const count = resolveLimit(input.count, { defaultLimit: 10, maxLimit: 10 });
      const params: SearchParams = {};
      if (input.name) params.name = input.name;
      if (input.birthDate) params.birthdate = input.birthDate;
      if (input.gender) params.gender = input.gender;
      if (input.identifier) params.identifier = input.identifier;
      if (access.patient) params._id = access.patient;
      const query = { binding: "patient_find", params, count, principal: context.principal?.id ?? null, phi: context.settings.phiMode };
      const page = input.cursor ? String(context.services.cursors.decode(input.cursor, query).page) : undefined;
      const result = await context.services.fhir.search("Patient", params, { count, ...(page ? { page } : {}) });
      const { kept } = withinAccess(access, result.resources, "s");
      const { items, truncated } = renderItems(context, kept, "compact", undefined, { bytes: context.settings.limits.maxBytes });
      return {
        value: {
          patients: items as never,
          ...(result.total !== undefined ? { total: result.total } : {}),
          truncated,
          ...(result.next ? { nextCursor: context.services.cursors.encode({ offset: 0, page: result.next }, query) } : {}),
        },
        count: items.length,
      };
    }),
});
