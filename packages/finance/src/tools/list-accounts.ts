import { defineTool } from "@mcp-verticals/core";
import { z } from "zod";
import type { FinanceContext } from "../context.js";
import { Account, AccountType } from "../schemas/account.js";
import { PageInput, PageOutput } from "../schemas/money.js";
import { accountOut, page } from "./shared.js";

/** `finance_list_accounts`: the chart of accounts, paged. */
export const listAccountsTool = defineTool({
  name: "finance_list_accounts",
  title: "List accounts",
  description:
    "Lists the ledger's accounts (bank accounts, receivables, payables, equity, income, expense) with code, type, currency and masked IBAN. Use the returned ids with the other finance tools. Filter by type; page with nextCursor.",
  input: z.object({ type: AccountType.optional().describe("Only accounts of this type."), ...PageInput }),
  output: z.object({ accounts: z.array(Account), total: z.number().int(), ...PageOutput }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{}, { type: "asset", limit: 5 }],
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
