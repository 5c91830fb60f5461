import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import type { FinanceContext } from "../context.js";
import { totalMoney } from "../money/money.js";
import { Balance } from "../schemas/account.js";
import { IsoDate } from "../schemas/money.js";
import { today } from "./shared.js";

/** `finance_get_balances`: booked and pending balance of one account. */
export const getBalancesTool = defineTool({
  name: "finance_get_balances",
  title: "Get balances",
  toolset: "read",
  description:
    "Booked and pending balance of one account as exact decimals, optionally as of a date (inclusive). Debit-normal: assets and expenses positive; liabilities, equity and income negative.",
  input: z.object({ accountId: z.string().min(1).max(64).describe("Account id."), asOf: IsoDate.optional().describe("Balance at the end of this date.") }),
  output: z.object({ accountId: z.string().describe("Account id"), balances: z.array(Balance).describe("Booked, then pending") }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ accountId: "acc_operating" }, { accountId: "acc_usd", asOf: "2026-06-30" }],
  render: ({ accountId, balances }) => `${accountId}: ${balances.map((b) => `${b.type} ${b.amount.amount} ${b.amount.currency}`).join(", ")}`,
  handler: async ({ accountId, asOf }, context: FinanceContext) => {
    const account = await context.services.storage.getAccount(accountId);
    if (!account) throw new ExtensionError("NOT_FOUND", "no account with that id", { field: "accountId" });
    const { booked, pending } = await context.services.storage.balances(accountId, asOf);
    const date = asOf ?? today(context);
    return {
      accountId,
      balances: [
        { type: "booked" as const, amount: totalMoney(booked, account.currency, "balances.booked"), asOf: date },
        { type: "pending" as const, amount: totalMoney(pending, account.currency, "balances.pending"), asOf: date },
      ],
    };
  },
});
