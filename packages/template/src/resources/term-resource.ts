import { defineResource, ExtensionError } from "@mcp-verticals/core";
import type { TemplateContext } from "../context.js";

/** `template://terms/{term}`: a definition as a JSON resource. */
export const termResource = defineResource({
  name: "term",
  title: "Glossary term",
  uri: "template://terms/{term}",
  description: "One glossary entry as JSON, in the negotiated language.",
  mimeType: "application/json",
  example: "template://terms/extension",
  list: async (context: TemplateContext) =>
    (await context.services.glossary.search("", context.settings.language, context.settings.maxResults)).map((entry) => ({
      uri: `template://terms/${entry.term}`,
      name: entry.term,
    })),
  complete: {},
  read: async (_uri, { term }, context: TemplateContext) => {
    const entry = await context.services.glossary.lookup(term ?? "", context.settings.language);
    if (!entry) throw new ExtensionError("NOT_FOUND", "no such term");
    return { text: JSON.stringify(entry) };
  },
});
