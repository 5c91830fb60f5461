import { defineTool } from "@mcp-verticals/core";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import { PageInfo } from "../schemas/views.js";
import { callerOf, pageOf, PagingInput } from "./shared.js";

/** `edu_search_outcomes`: search CASE 1.1 competency statements. */
export const searchOutcomesTool = defineTool({
  name: "edu_search_outcomes",
  toolset: "standards",
  title: "Search learning standards",
  description: "Searches CASE 1.1 standards (CFItems) by words, framework, subject or education level; returns cfItemIds to align work and items with. Paged.",
  input: z.object({
    query: z.string().max(200).optional().describe("Words in the statement or code."),
    frameworkId: z.string().max(256).optional().describe("CFDocument identifier."),
    subject: z.string().max(100).optional().describe("Subject."),
    educationLevel: z.string().max(10).optional().describe("Education level, e.g. 09."),
    ...PagingInput,
  }),
  output: z.object({
    outcomes: z
      .array(
        z.object({
          cfItemId: z.string().describe("CFItem identifier."),
          frameworkId: z.string().describe("CFDocument identifier."),
          humanCodingScheme: z.string().optional().describe("Code, e.g. HSA-CED.A.1."),
          fullStatement: z.string().describe("Statement."),
          CFItemType: z.string().optional().describe("Item type."),
          educationLevel: z.array(z.string()).describe("Education levels."),
          uri: z.string().describe("CASE URI."),
        }),
      )
      .describe("Matching standards."),
    ...PageInfo,
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ query: "linear" }, { educationLevel: "10", limit: 5 }],
  render: ({ outcomes }) => outcomes.map((o) => `${o.humanCodingScheme ?? o.cfItemId}: ${o.fullStatement}`).join("\n") || "No standards match.",
  handler: async (input, context: EducationContext) => {
    const actor = await callerOf(context, "outcomes");
    const words = (input.query ?? "").toLowerCase().split(/\s+/).filter(Boolean);
    const outcomes = context.services.gateway.store
      .listCasePackages()
      .filter((pkg) => (input.frameworkId === undefined || pkg.CFDocument.identifier === input.frameworkId) && (input.subject === undefined || (pkg.CFDocument.subject ?? []).some((s) => s.toLowerCase() === input.subject!.toLowerCase())))
      .flatMap((pkg) =>
        pkg.CFItems.filter(
          (item) =>
            (input.educationLevel === undefined || (item.educationLevel ?? []).includes(input.educationLevel)) &&
            words.every((word) => `${item.fullStatement} ${item.humanCodingScheme ?? ""}`.toLowerCase().includes(word)),
        ).map((item) => ({
          cfItemId: item.identifier,
          frameworkId: pkg.CFDocument.identifier,
          ...(item.humanCodingScheme === undefined ? {} : { humanCodingScheme: item.humanCodingScheme }),
          fullStatement: item.fullStatement,
          ...(item.CFItemType === undefined ? {} : { CFItemType: item.CFItemType }),
          educationLevel: item.educationLevel ?? [],
          uri: item.uri,
        })),
      );
    const page = pageOf(context, "edu_search_outcomes", actor, outcomes, input, { q: input.query ?? null, f: input.frameworkId ?? null, s: input.subject ?? null, e: input.educationLevel ?? null });
    return { outcomes: page.items, truncated: page.truncated, returned: page.returned, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  },
});
