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

/** The pending human approval a payment waits for; the model can read it but nothing it sends can decide it. */
export const ApprovalRequest = z.object({
  approvalId: z.string().describe("Names the approval for the human (approval page, operator command); passing it back approves nothing."),
  status: z.enum(["pending", "approved", "declined", "consumed", "expired"]).describe("Where the approval stands in the server's state."),
  preview: z.string().describe("What the human approves, rendered from stored data; model-supplied text is fenced and labelled."),
  expiresAt: z.string().describe("ISO 8601 time after which the approval can no longer be given or used."),
  approvalUrl: z.string().optional().describe("The server's approval page for this payment, where a human decides with the operator credential."),
  operatorCommand: z.string().optional().describe("The operator command that approves it on the server's own machine."),
});

export type Payment = z.output<typeof Payment>;
export type PaymentStatus = z.output<typeof PaymentStatus>;
