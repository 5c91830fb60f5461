import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import type { HealthcareContext } from "../context.js";

const Designation = z.object({ value: z.string(), use: z.string() });
const SystemInput = z.string().min(1).max(200).describe("Code system URI (http://loinc.org, http://snomed.info/sct, http://www.nlm.nih.gov/research/umls/rxnorm, http://hl7.org/fhir/sid/cvx) or alias loinc|snomed|rxnorm|cvx.");

/** `terminology_lookup`: `CodeSystem/$lookup` over the bundled subset. */
export const terminologyLookupTool = defineTool({
  name: "terminology_lookup",
  title: "Look up a code",
  description: "Returns the display name, synonyms and properties of one code (CodeSystem/$lookup), e.g. system http://loinc.org code 4548-4 → Hemoglobin A1c. Use it instead of guessing what a code means. Fails with CODE_NOT_FOUND for codes outside the bundled subset.",
  input: z.object({ system: SystemInput, code: z.string().min(1).max(64) }),
  output: z.object({ system: z.string(), code: z.string(), display: z.string(), designations: z.array(Designation), properties: z.array(z.object({ code: z.string(), value: z.string() })) }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ system: "http://loinc.org", code: "4548-4" }],
  render: (output) => `${output.system}|${output.code}: ${output.display}`,
  handler: async ({ system, code }, context: HealthcareContext) => {
    const concept = context.services.terminology.lookup(system, code);
    if (!concept) throw new ExtensionError("CODE_NOT_FOUND", "the code is not in the bundled terminology", { field: "code" });
    return {
      system: concept.system,
      code: concept.code,
      display: concept.display,
      designations: (concept.synonyms ?? []).map((value) => ({ value, use: "synonym" })),
      properties: Object.entries(concept.properties ?? {}).map(([propertyCode, value]) => ({ code: propertyCode, value })),
    };
  },
});

/** `terminology_validate`: `$validate-code` against a code system or value set. */
export const terminologyValidateTool = defineTool({
  name: "terminology_validate",
  title: "Validate a code",
  description: "Checks whether a code exists in a code system or value set, and whether a display matches ($validate-code). Use it before writing coded data.",
  input: z.object({
    code: z.string().min(1).max(64),
    system: SystemInput.optional(),
    display: z.string().max(300).optional(),
    valueSet: z.string().url().optional().describe("e.g. http://hl7.org/fhir/ValueSet/administrative-gender"),
  }),
  output: z.object({ result: z.boolean(), display: z.string().optional(), message: z.string().optional() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ system: "http://snomed.info/sct", code: "44054006", display: "Diabetes mellitus type 2 (disorder)" }],
  render: (output) => `${output.result ? "valid" : "invalid"}${output.display ? `: ${output.display}` : ""}${output.message ? ` (${output.message})` : ""}`,
  handler: async (input, context: HealthcareContext) => context.services.terminology.validate(input),
});

/** `terminology_search`: `ValueSet/$expand?filter=` over the bundled subset. */
export const terminologySearchTool = defineTool({
  name: "terminology_search",
  title: "Search codes",
  description: "Finds codes whose display or synonyms contain every word of text (ValueSet/$expand with filter), e.g. text 'a1c' → LOINC 4548-4. Use the result's system|code in fhir_search code parameters.",
  input: z.object({ text: z.string().min(1).max(100), system: SystemInput.optional(), valueSet: z.string().url().optional(), count: z.number().int().min(1).max(20).optional() }),
  output: z.object({ concepts: z.array(z.object({ system: z.string(), code: z.string(), display: z.string() })), truncated: z.boolean() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ text: "cholesterol", system: "loinc" }],
  render: (output) => output.concepts.map((concept) => `${concept.system}|${concept.code} ${concept.display}`).join("\n") || "No codes found.",
  handler: async ({ text, system, valueSet, count }, context: HealthcareContext) => {
    const limit = count ?? 10;
    const found = context.services.terminology.search({ text, ...(system ? { system } : {}), ...(valueSet ? { valueSet } : {}), count: limit + 1 });
    return { concepts: found.slice(0, limit).map(({ system: s, code, display }) => ({ system: s, code, display })), truncated: found.length > limit };
  },
});
