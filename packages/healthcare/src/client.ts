import { createExtensionClient } from "@mcp-verticals/core";
import type { z } from "zod";
import { healthcareExtension } from "./extension.js";
import type { HealthcareClientSettings } from "./schemas/settings.js";

/**
 * The client side of the healthcare extension: declare it, then bind typed calls.
 *
 * @example
 * ```ts
 * const healthcare = healthcareClient({ acceptPhi: "limited" });
 * const client = new Client(info, { capabilities: { extensions: healthcare.declaration }, versionNegotiation: { mode: "auto" } });
 * await client.connect(transport);
 * const { items } = await healthcare.bind(client).callTool("fhir_search", { resourceType: "Observation", params: { patient: "patient-002" } });
 * ```
 */
export function healthcareClient(settings: z.input<typeof HealthcareClientSettings> = {}) {
  return createExtensionClient(healthcareExtension, settings);
}
