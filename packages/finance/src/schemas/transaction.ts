import { z } from "zod";
import { IsoDate, Money } from "./money.js";

/** One leg of a journal entry: a signed amount on one account (debit positive, credit negative). */
export const Posting = z.object({ accountId: z.string(), amount: Money });

/** A booked journal entry (a "transaction"); its postings balance to zero per currency. */
export const Transaction = z.object({
  id: z.string(),
  date: IsoDate,
  description: z.string().describe("Text from a bank statement is fenced as untrusted data."),
  status: z.enum(["booked", "pending"]),
  postings: z.array(Posting),
  counterpartyId: z.string().optional(),
  reference: z.string().optional(),
  endToEndId: z.string().optional(),
  reversalOf: z.string().optional(),
  source: z.object({ kind: z.enum(["manual", "camt.053", "ofx", "csv", "payment", "seed"]), ref: z.string().optional() }),
});

export type Transaction = z.output<typeof Transaction>;
