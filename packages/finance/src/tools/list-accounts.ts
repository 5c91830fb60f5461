import { defineTool } from "@mcp-verticals/core";
import { z } from "zod";
import type { FinanceContext } from "../context.js";
import { Account, AccountType } from "../schemas/account.js";
import { Count, PageInput, PageOutput } from "../schemas/money.js";
import { accountOut, page } from "./shared.js";

/** `finance_list_accounts`: the chart of accounts, paged. */
export const listAccountsTool = defineTool({
  name: "finance_list_accounts",
  title: "List accounts",
  toolset: "read",
  description:
    "Lists the chart of accounts (id, code, type, currency, masked IBAN); use the ids with the other finance tools. Filter by type; page with nextCursor.",
  input: z.object({ type: AccountType.optional().describe("Only accounts of this type."), ...PageInput }),
  output: z.object({ accounts: z.array(Account).describe("This page"), total: Count.describe("Matching accounts"), ...PageOutput }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{}, { type: "asset", limit: 5 }],
  render: ({ accounts, total, truncated }) =>
    [`${total} account(s)${truncated ? `, ${accounts.length} shown (more with nextCursor)` : ""}:`, ...accounts.map((a) => `${a.code} ${a.name} (${a.id}, ${a.type}, ${a.currency}${a.ibanMasked ? `, ${a.ibanMasked}` : ""})`)].join("\n"),
  handler: async (input, context: FinanceContext) => {
    const result = await page(
      context,
      { tool: "finance_list_accounts", type: input.type ?? null },
      input,
      (offset, limit) => context.services.storage.listAccounts({ type: input.type }, offset, limit),
      accountOut,
    );
    return { accounts: result.items, total: result.total, truncated: result.truncated, ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) };
  },
});
