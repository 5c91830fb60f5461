import { definePrompt } from "@mcp-verticals/core";
import { z } from "zod";
import type { TemplateContext } from "../context.js";

/** `template_explain_term`: asks the model to explain a term to a newcomer. */
export const explainTermPrompt = definePrompt({
  name: "template_explain_term",
  title: "Explain a term",
  description: "Explain an MCP term to a newcomer, grounded in the glossary.",
  args: z.object({ term: z.string().describe("The term to explain.") }),
  examples: [{ term: "negotiation" }],
  render: ({ term }, context: TemplateContext) =>
    `Use the template_lookup_term tool to fetch the definition of "${term}", then explain it to a newcomer in language "${context.settings.language}", with one example.`,
});
