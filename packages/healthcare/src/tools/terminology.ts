import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import type { HealthcareContext } from "../context.js";

const SystemInput = z.string().min(1).max(200).describe("System URI or loinc, snomed, rxnorm, cvx");
const CodeInput = z.string().min(1).max(64).describe("The code, e.g. 4548-4");
const ValueSetInput = z.string().url().describe("ValueSet URL");

/** `terminology_lookup`: `CodeSystem/$lookup` over the bundled subset. */
export const terminologyLookupTool = defineTool({
  name: "terminology_lookup",
  title: "Look up a code",
  toolset: "terminology",
  description: "What a code means (CodeSystem/$lookup), e.g. loinc 4548-4 → Hemoglobin A1c.",
  input: z.object({ system: SystemInput, code: CodeInput }),
  output: z.object({
    system: z.string().describe("Code system URI"),
    code: z.string().describe("The code"),
    display: z.string().describe("Preferred display"),
    synonyms: z.array(z.string()).describe("Other names"),
    properties: z.record(z.string(), z.string()).meta({ propertyNames: undefined }).describe("Properties, code → value"),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ system: "http://loinc.org", code: "4548-4" }],
  render: (output) =>
    `${output.system}|${output.code}: ${output.display}${output.synonyms.length ? `; also ${output.synonyms.join(", ")}` : ""}${Object.keys(output.properties).length ? `; ${Object.entries(output.properties).map(([code, value]) => `${code} ${value}`).join(", ")}` : ""}`,
  handler: async ({ system, code }, context: HealthcareContext) => {
    const concept = context.services.terminology.lookup(system, code);
    if (!concept) throw new ExtensionError("CODE_NOT_FOUND", "the code is not in the bundled terminology", { field: "code" });
    return {
      system: concept.system,
      code: concept.code,
      display: concept.display,
      synonyms: [...(concept.synonyms ?? [])],
      properties: { ...concept.properties },
    };
  },
});

/** `terminology_validate`: `$validate-code` against a code system or value set. */
export const terminologyValidateTool = defineTool({
  name: "terminology_validate",
  title: "Validate a code",
  toolset: "write",
  description: "Checks a code (and display) against a code system or value set ($validate-code), e.g. before writing coded data.",
  input: z.object({
    code: CodeInput,
    system: SystemInput.optional(),
    display: z.string().max(300).optional().describe("Display to check"),
    valueSet: ValueSetInput.optional(),
  }),
  output: z.object({ result: z.boolean().describe("Valid or not"), display: z.string().optional().describe("Preferred display"), message: z.string().optional().describe("Why not") }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ system: "http://snomed.info/sct", code: "44054006", display: "Diabetes mellitus type 2 (disorder)" }],
  render: (output) => `${output.result ? "valid" : "invalid"}${output.display ? `: ${output.display}` : ""}${output.message ? ` (${output.message})` : ""}`,
  handler: async (input, context: HealthcareContext) => context.services.terminology.validate(input),
});

/** `terminology_search`: `ValueSet/$expand?filter=` over the bundled subset. */
export const terminologySearchTool = defineTool({
  name: "terminology_search",
  title: "Search codes",
  toolset: "terminology",
  description: "Finds codes by words (ValueSet/$expand), e.g. 'a1c' → loinc 4548-4, for fhir_search code.",
  input: z.object({
    text: z.string().min(1).max(100).describe("Words to find, e.g. a1c"),
    system: SystemInput.optional(),
    valueSet: ValueSetInput.optional(),
    count: z.number().int().min(1).max(20).optional().describe("Most to return (default 10)"),
  }),
  output: z.object({
    concepts: z.array(z.object({ system: z.string().describe("Code system URI"), code: z.string().describe("The code"), display: z.string().describe("Preferred display") })).describe("Matches"),
    truncated: z.boolean().describe("More matches exist"),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ text: "cholesterol", system: "loinc" }],
  render: (output) => output.concepts.map((concept) => `${concept.system}|${concept.code} ${concept.display}`).join("\n") || "No codes found.",
  handler: async ({ text, system, valueSet, count }, context: HealthcareContext) => {
    const limit = count ?? 10;
    const found = context.services.terminology.search({ text, ...(system ? { system } : {}), ...(valueSet ? { valueSet } : {}), count: limit + 1 });
    return { concepts: found.slice(0, limit).map(({ system: s, code, display }) => ({ system: s, code, display })), truncated: found.length > limit };
  },
});
