import { defineExtension, verticalExtensionId } from "@mcp-verticals/core";
import { TemplateClientSettings, TemplateServerSettings, type TemplateEffectiveSettings } from "./schemas/settings.js";
import { lookupTermTool } from "./tools/lookup-term.js";
import { searchTermsTool } from "./tools/search-terms.js";
import { termResource } from "./resources/term-resource.js";
import { explainTermPrompt } from "./prompts/explain-term.js";
import { statsMethod } from "./methods/stats.js";

/** The id of the template extension. */
export const TEMPLATE_EXTENSION_ID = verticalExtensionId("template");

/**
 * The template extension: a glossary whose language is negotiated per client.
 *
 * Fallback: a client that did not negotiate gets the server's first language and no `stats` method.
 */
export const templateExtension = defineExtension({
  id: TEMPLATE_EXTENSION_ID,
  title: "Template glossary",
  description: "The smallest complete mcp-verticals extension: a glossary with negotiated language.",
  versions: ["2026-11-24"],
  serverSettings: TemplateServerSettings,
  clientSettings: TemplateClientSettings,
  negotiate: ({ server, client }): TemplateEffectiveSettings => ({
    language: client?.language && server.languages.includes(client.language) ? client.language : server.languages[0]!,
    maxResults: server.maxResults,
    statsAvailable: client !== undefined,
  }),
  // Operators pick toolsets (`--toolsets lookup,search`); a small default keeps tools/list cheap for a model.
  toolsets: {
    lookup: { description: "Define one term.", default: true },
    search: { description: "Find terms by prefix." },
  },
  tools: [lookupTermTool, searchTermsTool],
  resources: [termResource],
  prompts: [explainTermPrompt],
  methods: [statsMethod],
});
