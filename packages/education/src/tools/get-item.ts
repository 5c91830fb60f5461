import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import { QtiItem } from "../schemas/qti.js";
import { candidateQtiItem, candidateQtiXml, parseQtiItem } from "../standards/qti.js";
import { maySeeKey, requireItemAccess, visibleItem } from "./items-shared.js";
import { callerOf } from "./shared.js";

/** `edu_get_item`: one QTI item, candidate view by default. */
export const getItemTool = defineTool({
  name: "edu_get_item",
  toolset: "assessment",
  title: "Get an assessment item",
  description: "One QTI 3.0 item as JSON or XML. The candidate view (default) has no keys or feedback; the author view (with the key) is for its author (or teachers, if allowed), never students.",
  input: z.object({
    itemId: z.string().min(1).max(256).describe("Item id."),
    view: z.enum(["candidate", "author"]).default("candidate").describe("candidate, or author (with the answer key)."),
    format: z.enum(["qti3", "json"]).default("json").describe("json (parsed) or qti3 (XML)."),
  }),
  output: z.object({
    itemId: z.string().describe("Item id."),
    view: z.enum(["candidate", "author"]).describe("View returned."),
    status: z.enum(["draft", "published"]).describe("Status."),
    cfItemIds: z.array(z.string()).describe("Aligned CFItem ids."),
    item: QtiItem.optional().describe("Parsed item (format json)."),
    xml: z.string().optional().describe("Item XML (format qti3)."),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ itemId: "item-alg-linear-1" }, { itemId: "item-geo-circle-1", format: "qti3" }],
  render: (out) =>
    out.item
      ? `${out.itemId} (${out.view} view, ${out.status}): ${out.item.title}\n${out.item.stem}\n${out.item.interactions.map((i) => `${i.type} ${i.responseIdentifier}${i.prompt ? `: ${i.prompt}` : ""}${i.choices ? `\n${i.choices.map((c) => `  ${c.identifier}. ${c.text}`).join("\n")}` : ""}`).join("\n")}`
      : `${out.itemId} (${out.view} view, ${out.status}) as QTI 3.0 XML:\n${out.xml ?? ""}`,
  handler: async ({ itemId, view, format }, context: EducationContext) => {
    const actor = await callerOf(context, "assessment");
    requireItemAccess(context, actor);
    const stored = visibleItem(context, actor, itemId);
    if (view === "author" && !maySeeKey(context, actor, stored)) throw new ExtensionError("ANSWER_KEY_FORBIDDEN", "answer keys are shown only to the item's author", { field: "view" });
    const parsed = parseQtiItem(stored.xml);
    const base = { itemId, view, status: stored.status, cfItemIds: stored.cfItemIds };
    if (format === "qti3") return { ...base, xml: view === "author" ? stored.xml : candidateQtiXml(stored.xml) };
    return { ...base, item: view === "author" ? parsed : candidateQtiItem(parsed) };
  },
});
