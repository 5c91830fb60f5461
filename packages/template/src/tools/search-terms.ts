import { defineTool } from "@mcp-verticals/core";
import { z } from "zod";
import { Term } from "../schemas/term.js";
import type { TemplateContext } from "../context.js";

/** `template_search_terms`: terms starting with a prefix, in the toolset `search` (off by default). */
export const searchTermsTool = defineTool({
  name: "template_search_terms",
  title: "Search terms",
  description:
    "Lists glossary terms starting with a prefix, in the negotiated language, at most the server's maxResults. Use it when the user does not know the exact term.",
  input: z.object({
    prefix: z.string().min(1).max(64).describe("Start of the terms to find, e.g. 'cap'."),
    limit: z.number().int().min(1).max(100).optional().describe("Most terms to return; capped by the server's maxResults."),
  }),
  output: z.object({
    terms: z.array(Term).describe("The matching entries."),
    truncated: z.boolean().describe("True when more terms match than were returned."),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  toolset: "search",
  examples: [{ prefix: "ext" }],
  render: ({ terms, truncated }) =>
    terms.length === 0 ? "No terms match." : `${terms.length}${truncated ? "+" : ""} terms: ${terms.map((entry) => entry.term).join(", ")}`,
  handler: async ({ prefix, limit }, context: TemplateContext) => {
    const max = Math.min(limit ?? context.settings.maxResults, context.settings.maxResults);
    // One extra tells whether the list was cut.
    const found = await context.services.glossary.search(prefix, context.settings.language, max + 1);
    return { terms: found.slice(0, max), truncated: found.length > max };
  },
});
