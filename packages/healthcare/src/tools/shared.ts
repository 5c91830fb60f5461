import type { Resource } from "@medplum/fhirtypes";
import { ExtensionError } from "@mcp-verticals/core";
import type { HealthcareContext } from "../context.js";
import { selectElements, toCompact, type CompactResource, type ResourceItem } from "../schemas/fhir.js";
import { present } from "../phi/gateway.js";

/** Requires the type to be served by this deployment. */
export function requireServedType(context: HealthcareContext, resourceType: string, field = "resourceType"): void {
  if (!context.settings.resourceTypes.includes(resourceType)) {
    throw new ExtensionError("UNSUPPORTED_RESOURCE_TYPE", "this server does not serve that resource type", { field });
  }
}

/** Picks the output format: the requested one if negotiated, else the first negotiated one. */
export function formatFor(context: HealthcareContext, requested: "compact" | "fhir" | undefined): "compact" | "fhir" {
  if (requested && !context.settings.formats.includes(requested)) {
    throw new ExtensionError("FORMAT_NOT_NEGOTIATED", "that output format was not negotiated for this client", { field: "format" });
  }
  return requested ?? (context.settings.formats.includes("compact") ? "compact" : context.settings.formats[0]!);
}

/**
 * PHI-filters, projects and formats resources within the byte budget; stops early with `truncated`.
 */
export function renderItems(
  context: HealthcareContext,
  resources: readonly Resource[],
  format: "compact" | "fhir",
  elements: readonly string[] | undefined,
  budget: { bytes: number },
): { items: ResourceItem[]; truncated: boolean } {
  const items: ResourceItem[] = [];
  for (const resource of resources) {
    const shown = present(context, resource);
    const item = format === "compact" ? toCompact(shown) : (selectElements(shown, elements) as unknown as Record<string, unknown>);
    const size = Buffer.byteLength(JSON.stringify(item));
    if (size > budget.bytes) return { items, truncated: true };
    budget.bytes -= size;
    items.push(item as ResourceItem);
  }
  return { items, truncated: false };
}

/**
 * One human line for a resource in a result, compact or FHIR JSON: `Type/id date display value status`.
 * The lines are what a client that shows only `text` reads; the full items stay in structuredContent.
 */
export function summarizeItem(item: ResourceItem): string {
  const compact = typeof item.ref === "string" ? (item as CompactResource) : toCompact(item as unknown as Resource);
  const facts = [compact.date, compact.display, compact.value, compact.status && `(${compact.status})`].filter(Boolean);
  return `${compact.ref}${facts.length ? ` ${facts.join(" ")}` : ""}`;
}
