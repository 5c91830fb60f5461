import { z } from "zod";
import { MoneyOut } from "./money.js";

/** One leg of a journal entry: a signed amount on one account (debit positive, credit negative). */
export const Posting = z.object({ accountId: z.string().describe("Account"), amount: MoneyOut.describe("Debit +, credit -") });

/** A booked journal entry (a "transaction"); its postings balance to zero per currency. */
export const Transaction = z.object({
  id: z.string().describe("Id"),
  date: z.string().describe("YYYY-MM-DD"),
  description: z.string().describe("Bank text is fenced untrusted data"),
  status: z.enum(["booked", "pending"]).describe("Status"),
  postings: z.array(Posting).describe("Sum to zero per currency"),
  counterpartyId: z.string().optional().describe("Counterparty"),
  reference: z.string().optional().describe("Reference"),
  endToEndId: z.string().optional().describe("End-to-end id"),
  reversalOf: z.string().optional().describe("Reversed entry"),
  source: z
    .object({ kind: z.enum(["manual", "camt.053", "ofx", "csv", "payment", "seed"]).describe("Origin"), ref: z.string().optional().describe("Statement or payment") })
    .describe("Source"),
});

export type Transaction = z.output<typeof Transaction>;
