import { z } from "zod";
import { IsoDate, Money } from "./money.js";

/** Payment lifecycle states. */
export const PaymentStatus = z.enum(["awaiting_approval", "approved", "settled", "submitted", "rejected", "cancelled"]);

/** A payment as tools return it (creditor IBAN masked). */
export const Payment = z.object({
  id: z.string(),
  status: PaymentStatus,
  debtorAccountId: z.string(),
  creditor: z.object({ counterpartyId: z.string().optional(), name: z.string(), ibanMasked: z.string(), bic: z.string().optional() }),
  amount: Money,
  endToEndId: z.string(),
  executionDate: IsoDate,
  remittance: z.string().optional(),
  digest: z.string().describe("SHA-256 over debtor, creditor, amount, currency, end-to-end id and date; approvals bind to it."),
  createdAt: z.string(),
  transactionId: z.string().optional().describe("The ledger entry the payment settled as."),
});

/** Policy checks reported by prepare and execute. */
export const PaymentChecks = z.object({
  withinLimits: z.boolean(),
  payeeAllowlisted: z.boolean(),
  sufficientFunds: z.boolean(),
  approvalRequired: z.boolean(),
});

/** An approval the host shows a human; never for the model to decide on. */
export const ApprovalRequest = z.object({
  token: z.string().describe("Opaque; the host passes it back with the human's decision."),
  approvalId: z.string(),
  preview: z.string().describe("Text rendered from server data: what the human approves."),
  expiresAt: z.string(),
});

export type Payment = z.output<typeof Payment>;
export type PaymentStatus = z.output<typeof PaymentStatus>;
