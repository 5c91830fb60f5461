import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import { Term } from "../schemas/term.js";
import type { TemplateContext } from "../context.js";

/** `template_lookup_term`: one definition, in the negotiated language. */
export const lookupTermTool = defineTool({
  name: "template_lookup_term",
  title: "Look up a term",
  description:
    "Returns the glossary definition of one MCP term in the client's negotiated language. Use it when the user asks what a protocol word means. Fails with TERM_NOT_FOUND when the glossary has no entry.",
  input: z.object({ term: z.string().min(1).max(64).describe("The term to define, e.g. 'extension'.") }),
  output: z.object({ entry: Term.describe("The glossary entry.") }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  toolset: "lookup",
  examples: [{ term: "extension" }],
  render: ({ entry }) => `${entry.term} (${entry.language}): ${entry.definition}`,
  handler: async ({ term }, context: TemplateContext) => {
    const entry = await context.services.glossary.lookup(term, context.settings.language);
    if (!entry) throw new ExtensionError("TERM_NOT_FOUND", "the glossary has no entry for that term", { field: "term" });
    return { entry };
  },
});
