import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import type { FinanceContext } from "../context.js";
import { Transaction } from "../schemas/transaction.js";
import { transactionLine, transactionOut } from "./shared.js";

/** `finance_get_transaction`: one journal entry with all its postings. */
export const getTransactionTool = defineTool({
  name: "finance_get_transaction",
  title: "Get a transaction",
  toolset: "read",
  description: "Returns one transaction (journal entry) by id with every posting; NOT_FOUND for an unknown id.",
  input: z.object({ transactionId: z.string().min(1).max(64).describe("Transaction id.") }),
  output: z.object({ transaction: Transaction.describe("The entry") }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ transactionId: "tx_demo_00001" }],
  render: ({ transaction }) =>
    [transactionLine(transaction), ...transaction.postings.map((p) => `  ${p.accountId} ${p.amount.amount} ${p.amount.currency}`)].join("\n"),
  handler: async ({ transactionId }, context: FinanceContext) => {
    const entry = await context.services.storage.getEntry(transactionId);
    if (!entry) throw new ExtensionError("NOT_FOUND", "no transaction with that id", { field: "transactionId" });
    return { transaction: transactionOut(entry) };
  },
});
