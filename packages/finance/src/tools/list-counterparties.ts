import { defineTool } from "@mcp-verticals/core";
import { z } from "zod";
import type { FinanceContext } from "../context.js";
import { Counterparty } from "../schemas/account.js";
import { Count, PageInput, PageOutput } from "../schemas/money.js";
import { counterpartyOut, page } from "./shared.js";

/** `finance_list_counterparties`: payees and payers, with allowlist status. */
export const listCounterpartiesTool = defineTool({
  name: "finance_list_counterparties",
  title: "List counterparties",
  toolset: "payments",
  description:
    "Lists payees and payers with masked IBAN and payment-allowlist status; a counterparty id can be the creditor of finance_prepare_payment.",
  input: z.object({ text: z.string().max(100).optional().describe("Case-insensitive name match."), ...PageInput }),
  output: z.object({ counterparties: z.array(Counterparty).describe("This page"), total: Count.describe("Matching counterparties"), ...PageOutput }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{}, { text: "acme" }],
  render: ({ counterparties, total, truncated }) =>
    [`${total} counterpart(ies)${truncated ? `, ${counterparties.length} shown (more with nextCursor)` : ""}:`, ...counterparties.map((c) => `${c.name} (${c.id}${c.ibanMasked ? `, ${c.ibanMasked}` : ""}${c.allowlisted ? ", allowlisted" : ""})`)].join("\n"),
  handler: async (input, context: FinanceContext) => {
    const result = await page(
      context,
      { tool: "finance_list_counterparties", text: input.text ?? null },
      input,
      (offset, limit) => context.services.storage.listCounterparties(input.text, offset, limit),
      counterpartyOut,
    );
    return { counterparties: result.items, total: result.total, truncated: result.truncated, ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) };
  },
});
