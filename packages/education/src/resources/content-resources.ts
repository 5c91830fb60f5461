import { defineResource, ExtensionError } from "@mcp-verticals/core";
import type { EducationContext } from "../context.js";
import { cfItemId, SEEDED_FRAMEWORK_ID } from "../backend/seed-content.js";
import { candidateQtiItem, candidateQtiXml, parseQtiItem } from "../standards/qti.js";
import { maySeeKey, requireItemAccess, visibleItem } from "../tools/items-shared.js";
import { callerOf } from "../tools/shared.js";

/** `edu://items/{itemId}`: an item as JSON (candidate view unless the caller may see the key). */
export const itemResource = defineResource({
  name: "item",
  uri: "edu://items/{itemId}",
  description: "A QTI 3.0 item as parsed JSON. Candidate view (no key, no feedback) unless the caller is the item's author.",
  mimeType: "application/json",
  example: "edu://items/item-alg-linear-1",
  read: async (_uri, { itemId }, context: EducationContext) => {
    const actor = await callerOf(context, "assessment");
    requireItemAccess(context, actor);
    const item = visibleItem(context, actor, itemId!);
    const parsed = parseQtiItem(item.xml);
    return { mimeType: "application/json", text: JSON.stringify(maySeeKey(context, actor, item) ? parsed : candidateQtiItem(parsed), null, 2) };
  },
});

/** `edu://items/{itemId}/qti`: an item's QTI XML (candidate view unless author). */
export const itemQtiResource = defineResource({
  name: "item-qti",
  uri: "edu://items/{itemId}/qti",
  description: "A QTI 3.0 item's XML. Candidate view (correct responses, mappings, response processing and feedback removed) unless the caller is the item's author.",
  mimeType: "application/xml",
  example: "edu://items/item-geo-circle-1/qti",
  read: async (_uri, { itemId }, context: EducationContext) => {
    const actor = await callerOf(context, "assessment");
    requireItemAccess(context, actor);
    const item = visibleItem(context, actor, itemId!);
    return { mimeType: "application/xml", text: maySeeKey(context, actor, item) ? item.xml : candidateQtiXml(item.xml) };
  },
});

/** `edu://frameworks/{cfDocumentId}`: a CASE 1.1 CFPackage. */
export const frameworkResource = defineResource({
  name: "framework",
  uri: "edu://frameworks/{cfDocumentId}",
  description: "A CASE 1.1 competency framework as a CFPackage (CFDocument, CFItems, CFAssociations).",
  mimeType: "application/json",
  example: `edu://frameworks/${SEEDED_FRAMEWORK_ID}`,
  list: async (context: EducationContext) =>
    context.services.gateway.store.listCasePackages().map((p) => ({ uri: `edu://frameworks/${p.CFDocument.identifier}`, name: p.CFDocument.title, mimeType: "application/json" })),
  read: async (_uri, { cfDocumentId }, context: EducationContext) => {
    await callerOf(context, "outcomes");
    const pkg = context.services.gateway.store.listCasePackages().find((p) => p.CFDocument.identifier === cfDocumentId);
    if (!pkg) throw new ExtensionError("FRAMEWORK_NOT_FOUND", "no framework with that identifier");
    return { mimeType: "application/json", text: JSON.stringify(pkg, null, 2) };
  },
});

/** `edu://frameworks/{cfDocumentId}/items/{cfItemId}`: one CFItem with its associations. */
export const frameworkItemResource = defineResource({
  name: "framework-item",
  uri: "edu://frameworks/{cfDocumentId}/items/{cfItemId}",
  description: "One CASE 1.1 CFItem with the associations that touch it.",
  mimeType: "application/json",
  example: `edu://frameworks/${SEEDED_FRAMEWORK_ID}/items/${cfItemId("MATH.ALG.1")}`,
  read: async (_uri, { cfDocumentId, cfItemId }, context: EducationContext) => {
    await callerOf(context, "outcomes");
    const pkg = context.services.gateway.store.listCasePackages().find((p) => p.CFDocument.identifier === cfDocumentId);
    const item = pkg?.CFItems.find((i) => i.identifier === cfItemId);
    if (!pkg || !item) throw new ExtensionError("OUTCOME_NOT_FOUND", "no CFItem with that identifier in that framework");
    const associations = pkg.CFAssociations.filter((a) => a.originNodeURI.identifier === cfItemId || a.destinationNodeURI.identifier === cfItemId);
    return { mimeType: "application/json", text: JSON.stringify({ CFItem: item, CFAssociations: associations }, null, 2) };
  },
});
