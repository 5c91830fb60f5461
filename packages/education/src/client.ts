import { createExtensionClient } from "@mcp-verticals/core";
import type { z } from "zod";
import { educationExtension } from "./extension.js";
import type { EducationClientSettings } from "./schemas/settings.js";

/**
 * The client side of the education extension: declare it, then bind typed calls.
 *
 * @example
 * ```ts
 * const education = educationClient({ identityDisplay: "pseudonym" });
 * const client = new Client(info, { capabilities: { extensions: education.declaration }, versionNegotiation: { mode: "auto" } });
 * await client.connect(transport);
 * const { classes } = await education.bind(client).callTool("edu_list_classes", {});
 * ```
 */
export function educationClient(settings: z.input<typeof EducationClientSettings> = {}) {
  return createExtensionClient(educationExtension, settings);
}
