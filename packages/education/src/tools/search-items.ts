import { defineTool } from "@mcp-verticals/core";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import { QtiInteractionType } from "../schemas/qti.js";
import { PageInfo } from "../schemas/views.js";
import { requireItemAccess } from "./items-shared.js";
import { callerOf, pageOf, PagingInput } from "./shared.js";

/** `edu_search_items`: search the QTI 3.0 item bank. */
export const searchItemsTool = defineTool({
  name: "edu_search_items",
  toolset: "assessment",
  title: "Search assessment items",
  description: "Searches the QTI 3.0 item bank by title words, CFItem id, interaction or bank; summaries only, never keys. Students: practice mode only. Paged.",
  input: z.object({
    query: z.string().max(200).optional().describe("Words in the title."),
    cfItemId: z.string().max(256).optional().describe("Aligned CASE CFItem id."),
    interaction: QtiInteractionType.optional(),
    bankId: z.string().max(64).optional().describe("Bank, e.g. math, science."),
    ...PagingInput,
  }),
  output: z.object({
    items: z
      .array(z.object({ itemId: z.string().describe("Item id."), title: z.string().describe("Title."), interaction: QtiInteractionType, bank: z.string().describe("Bank."), status: z.enum(["draft", "published"]).describe("Status."), cfItemIds: z.array(z.string()).describe("Aligned CFItem ids.") }))
      .describe("Items."),
    ...PageInfo,
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ query: "slope" }, { interaction: "choice", bankId: "science" }],
  render: ({ items, truncated }) => (items.map((i) => `${i.itemId}: ${i.title} [${i.interaction}, ${i.bank}, ${i.status}]`).join("\n") || "No items match.") + (truncated ? "\n(more: pass nextCursor)" : ""),
  handler: async (input, context: EducationContext) => {
    const actor = await callerOf(context, "assessment");
    requireItemAccess(context, actor);
    const words = (input.query ?? "").toLowerCase().split(/\s+/).filter(Boolean);
    const items = context.services.gateway.store
      .listItems()
      .filter(
        (item) =>
          (actor.role !== "student" || item.status === "published") &&
          (input.cfItemId === undefined || item.cfItemIds.includes(input.cfItemId)) &&
          (input.interaction === undefined || item.interaction === input.interaction) &&
          (input.bankId === undefined || item.bank === input.bankId) &&
          words.every((word) => `${item.title} ${item.id}`.toLowerCase().includes(word)),
      )
      .map((item) => ({ itemId: item.id, title: item.title, interaction: item.interaction as z.output<typeof QtiInteractionType>, bank: item.bank, status: item.status, cfItemIds: item.cfItemIds }));
    const page = pageOf(context, "edu_search_items", actor, items, input, { q: input.query ?? null, cf: input.cfItemId ?? null, i: input.interaction ?? null, b: input.bankId ?? null });
    return { items: page.items, truncated: page.truncated, returned: page.returned, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  },
});
