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
  title: "Get an assessment item",
  description:
    "Returns one QTI 3.0 item as XML (format qti3) and/or parsed JSON (format json). The candidate view (default) strips correct responses, mappings, response processing and feedback. The author view, with the answer key, is only for the item's author (or any teacher if the server allows), never for students.",
  input: z.object({
    itemId: z.string().min(1).max(256),
    view: z.enum(["candidate", "author"]).default("candidate"),
    format: z.enum(["qti3", "json"]).default("json"),
  }),
  output: z.object({ itemId: z.string(), view: z.enum(["candidate", "author"]), status: z.enum(["draft", "published"]), cfItemIds: z.array(z.string()), item: QtiItem.optional(), xml: z.string().optional() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ itemId: "item-alg-linear-1" }, { itemId: "item-geo-circle-1", format: "qti3" }],
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
