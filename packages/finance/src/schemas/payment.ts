import { z } from "zod";
import { MoneyOut } from "./money.js";

/** Payment lifecycle states. */
export const PaymentStatus = z.enum(["awaiting_approval", "approved", "settled", "submitted", "rejected", "cancelled"]);

/** A payment as tools return it (creditor IBAN masked). */
export const Payment = z.object({
  id: z.string().describe("Payment id"),
  status: PaymentStatus.describe("Lifecycle state"),
  debtorAccountId: z.string().describe("Paying bank account"),
  creditor: z
    .object({
      counterpartyId: z.string().optional().describe("Counterparty id"),
      name: z.string().describe("Payee name"),
      ibanMasked: z.string().describe("Masked IBAN"),
      bic: z.string().optional().describe("BIC"),
    })
    .describe("Payee"),
  amount: MoneyOut.describe("Amount"),
  endToEndId: z.string().describe("End-to-end id"),
  executionDate: z.string().describe("YYYY-MM-DD"),
  remittance: z.string().optional().describe("Remittance text"),
  digest: z.string().describe("SHA-256 of the payment's content; approvals bind to it"),
  createdAt: z.string().describe("ISO 8601 time"),
  transactionId: z.string().optional().describe("Ledger entry it settled as"),
});

/** Policy checks reported by prepare and execute. */
export const PaymentChecks = z.object({
  withinLimits: z.boolean().describe("Within the daily limits"),
  payeeAllowlisted: z.boolean().describe("Payee on the allowlist"),
  sufficientFunds: z.boolean().describe("Enough booked funds"),
  approvalRequired: z.boolean().describe("A human must approve it"),
});

/** The pending human approval a payment waits for; the model can read it but nothing it sends can decide it. */
export const ApprovalRequest = z.object({
  approvalId: z.string().describe("For the human; passing it back approves nothing"),
  status: z.enum(["pending", "approved", "declined", "consumed", "expired"]).describe("Approval state"),
  preview: z.string().describe("What the human approves, from stored data"),
  expiresAt: z.string().describe("ISO 8601 expiry"),
  approvalUrl: z.string().optional().describe("Approval page where a human decides"),
  operatorCommand: z.string().optional().describe("Operator command that decides it"),
});

export type Payment = z.output<typeof Payment>;
export type PaymentStatus = z.output<typeof PaymentStatus>;
