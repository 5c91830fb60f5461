import { defineTool } from "@mcp-verticals/core";
import { z } from "zod";
import type { FinanceContext } from "../context.js";
import { totalMoney } from "../money/money.js";
import { AccountType } from "../schemas/account.js";
import { CurrencyCode, IsoDate, MoneyOut } from "../schemas/money.js";
import { requireCurrency } from "./shared.js";

/** `finance_trial_balance`: debit and credit totals per account and per currency. */
export const trialBalanceTool = defineTool({
  name: "finance_trial_balance",
  title: "Trial balance",
  toolset: "read",
  description:
    "Trial balance of booked entries: debit, credit and balance per account, and per-currency totals (debits equal credits in a sound ledger); optionally as of a date and for one currency.",
  input: z.object({
    asOf: IsoDate.optional().describe("Up to this date, inclusive."),
    currency: CurrencyCode.optional().describe("Only accounts in this currency."),
    includeEmpty: z.boolean().default(false).describe("Also list accounts without postings."),
  }),
  output: z.object({
    rows: z
      .array(
        z.object({
          accountId: z.string().describe("Account"),
          code: z.string().describe("Code"),
          name: z.string().describe("Name"),
          type: AccountType.describe("Type"),
          debit: MoneyOut.describe("Debit total"),
          credit: MoneyOut.describe("Credit total"),
          balance: MoneyOut.describe("Debit minus credit"),
        }),
      )
      .describe("Per account, by code"),
    totals: z
      .array(
        z.object({
          currency: z.string().describe("ISO 4217"),
          debit: z.string().describe("Debit total"),
          credit: z.string().describe("Credit total"),
          balanced: z.boolean().describe("Debits equal credits"),
        }),
      )
      .describe("Per currency"),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{}, { asOf: "2026-06-30", currency: "EUR" }],
  render: ({ rows, totals }) =>
    [...rows.map((row) => `${row.code} ${row.name}: ${row.balance.amount} ${row.balance.currency}`), ...totals.map((t) => `TOTAL ${t.currency}: Dr ${t.debit} Cr ${t.credit}${t.balanced ? "" : " UNBALANCED"}`)].join("\n"),
  handler: async (input, context: FinanceContext) => {
    if (input.currency) requireCurrency(context, input.currency, "currency");
    const rows = await context.services.storage.trialBalance(input.asOf, input.currency);
    const totals = new Map<string, { debit: bigint; credit: bigint }>();
    for (const row of rows) {
      const total = totals.get(row.currency) ?? { debit: 0n, credit: 0n };
      total.debit += row.debitMinor;
      total.credit += row.creditMinor;
      totals.set(row.currency, total);
    }
    return {
      rows: rows
        .filter((row) => input.includeEmpty || row.debitMinor !== 0n || row.creditMinor !== 0n)
        .map((row) => ({
          accountId: row.accountId,
          code: row.code,
          name: row.name,
          type: row.type,
          debit: totalMoney(row.debitMinor, row.currency, `rows.${row.accountId}.debit`),
          credit: totalMoney(row.creditMinor, row.currency, `rows.${row.accountId}.credit`),
          balance: totalMoney(row.debitMinor - row.creditMinor, row.currency, `rows.${row.accountId}.balance`),
        })),
      totals: [...totals.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([currency, total]) => ({
          currency,
          debit: totalMoney(total.debit, currency, `totals.${currency}.debit`).amount,
          credit: totalMoney(total.credit, currency, `totals.${currency}.credit`).amount,
          balanced: total.debit === total.credit,
        })),
    };
  },
});
