import { createExtensionClient } from "@mcp-verticals/core";
import type { z } from "zod";
import { templateExtension } from "./extension.js";
import type { TemplateClientSettings } from "./schemas/settings.js";

/**
 * The client side of the template extension: declare it, then bind typed calls.
 *
 * @example
 * ```ts
 * const template = templateClient({ language: "nb" });
 * const client = new Client(info, { capabilities: { extensions: template.declaration }, versionNegotiation: { mode: "auto" } });
 * await client.connect(transport);
 * const { entry } = await template.bind(client).callTool("template_lookup_term", { term: "extension" });
 * ```
 */
export function templateClient(settings: z.input<typeof TemplateClientSettings> = {}) {
  return createExtensionClient(templateExtension, settings);
}
