import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import type { FinanceContext } from "../context.js";
import { toMinorUnits } from "../money/money.js";
import { paymentDigest } from "../payments/digest.js";
import { paymentPreview, requirePaymentApproval, requirePaymentsEnabled, verifiedPayee } from "../payments/approval.js";
import { evaluatePolicy } from "../payments/policy.js";
import { IdempotencyKey } from "../schemas/money.js";
import { Payment } from "../schemas/payment.js";
import { idempotent, paymentLine, paymentOut, today } from "./shared.js";

/** The daily limits to re-check inside the settlement transaction. */
function dailyCapsFor(context: FinanceContext, currency: string) {
  const limits = context.serverSettings.limits[currency];
  if (limits === undefined) return undefined;
  return {
    perDayMinor: toMinorUnits(limits.perDay.amount, limits.perDay.currency),
    perCounterpartyMinor: limits.perCounterpartyPerDay ? toMinorUnits(limits.perCounterpartyPerDay.amount, limits.perCounterpartyPerDay.currency) : undefined,
  };
}

/** `finance_execute_payment`: sends a prepared payment once a human approved it through a channel the model cannot drive. */
export const executePaymentTool = defineTool({
  name: "finance_execute_payment",
  title: "Execute a payment",
  toolset: "payments",
  description:
    "Executes a prepared payment. A needed human approval is asked by the server itself (the client's form), or it answers APPROVAL_PENDING naming the approval page or operator command: tell the user, then call again with the same arguments. No argument approves a payment. Limits, allowlist and funds are checked again. Fails with APPROVAL_PENDING, APPROVAL_DECLINED, HUMAN_APPROVAL_UNAVAILABLE, APPROVAL_MISMATCH, LIMIT_EXCEEDED, PAYEE_NOT_ALLOWED, INSUFFICIENT_FUNDS. Sandbox payments settle in the ledger at once.",
  input: z.object({
    idempotencyKey: IdempotencyKey,
    paymentId: z.string().min(1).max(64).describe("The payment from finance_prepare_payment."),
  }),
  output: z.object({ payment: Payment.describe("The payment after execution"), idempotentReplayed: z.boolean().describe("A replay of an earlier call with this key") }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  examples: [{ idempotencyKey: "example-execute-0001", paymentId: "pay_demo_small" }],
  render: ({ payment }) => paymentLine(payment),
  handler: async (input, context: FinanceContext) => {
    requirePaymentsEnabled(context);
    return idempotent(context, "finance_execute_payment", input.idempotencyKey, input, async ({ resumed }) => {
      const storage = context.services.storage;
      const payment = await storage.getPayment(input.paymentId);
      if (!payment) throw new ExtensionError("NOT_FOUND", "no payment with that id", { field: "paymentId" });
      if (payment.status === "rejected") throw new ExtensionError("APPROVAL_DECLINED", "the approval for this payment was declined; prepare a new payment");
      if (payment.status === "cancelled") throw new ExtensionError("PAYMENT_NOT_EXECUTABLE", "the payment was cancelled", { field: "paymentId" });
      // Resuming this very request after its worker died past settlement: report what it did, once.
      if (resumed && payment.status === "settled") return { payment: paymentOut(payment) };
      if (payment.status === "settled" || payment.status === "submitted") {
        throw new ExtensionError("PAYMENT_NOT_EXECUTABLE", "the payment was already executed", { field: "paymentId" });
      }
      const debtor = await storage.getAccount(payment.debtorAccountId);
      if (!debtor?.iban) throw new ExtensionError("NOT_FOUND", "the debtor account no longer exists", { field: "paymentId" });
      // The stored row must still match what was approved: a changed amount, payee, date or id needs a new approval.
      const digest = paymentDigest({
        debtorAccountId: debtor.id,
        debtorIban: debtor.iban,
        creditorName: payment.creditorName,
        creditorIban: payment.creditorIban,
        amountMinor: payment.amountMinor,
        currency: payment.currency,
        endToEndId: payment.endToEndId,
        executionDate: payment.executionDate,
      });
      if (digest !== payment.digest) {
        await context.audit({ binding: "finance.payment.execute", outcome: "denied", code: "APPROVAL_MISMATCH", subjects: [payment.id] });
        throw new ExtensionError("APPROVAL_MISMATCH", "the payment changed since it was prepared; prepare and approve it again");
      }
      const counterparty = payment.creditorCounterpartyId ? await storage.getCounterparty(payment.creditorCounterpartyId) : await storage.findCounterpartyByIban(payment.creditorIban);
      const verdict = await evaluatePolicy(context, {
        debtor,
        creditorIban: payment.creditorIban,
        creditorAllowlisted: counterparty?.allowlisted === true && counterparty.iban === payment.creditorIban,
        amountMinor: payment.amountMinor,
        currency: payment.currency,
        date: today(context),
      });
      const needsApproval = payment.status === "awaiting_approval" || verdict.approvalRequired;
      // Refusals come before the human is bothered: a payment the policy refuses is never shown for approval.
      if (verdict.violation) {
        await context.audit({ binding: "finance.payment.execute", outcome: "denied", code: verdict.violation.code, subjects: [payment.id] });
        throw verdict.violation;
      }
      if (context.serverSettings.features.payments === "live") {
        throw new ExtensionError("PAYMENT_RAIL_UNAVAILABLE", "live mode needs a payment rail adapter, which this server does not have; use sandbox");
      }
      let approvalId: string | undefined;
      if (needsApproval) {
        // The decision comes only from the server's approval state, written by a human channel.
        const decision = await requirePaymentApproval(context, payment, paymentPreview({ payment, debtor, payee: verifiedPayee(counterparty, payment.creditorIban) }));
        if (decision.decision === "declined") {
          await storage.transitionPayment(payment.id, ["awaiting_approval", "approved"], "rejected");
          await context.audit({ binding: "finance.payment.execute", outcome: "denied", code: "APPROVAL_DECLINED", subjects: [payment.id], detail: { approvalId: decision.approvalId, channel: decision.channel } });
          throw new ExtensionError("APPROVAL_DECLINED", "the approver declined the payment; nothing was sent");
        }
        approvalId = decision.approvalId;
      }
      const payables = await storage.findAccountByRole("payables", payment.currency);
      if (!payables) throw new ExtensionError("NOT_FOUND", `no payables account in ${payment.currency}`, { field: "paymentId" });
      const settled = await storage.settlePayment(payment.id, ["awaiting_approval", "approved"], {
        date: today(context),
        description: `Payment to ${payment.creditorName}${payment.remittance ? `: ${payment.remittance}` : ""}`.slice(0, 500),
        status: "booked",
        postings: [
          { accountId: payables.id, amountMinor: payment.amountMinor, currency: payment.currency },
          { accountId: debtor.id, amountMinor: -payment.amountMinor, currency: payment.currency },
        ],
        counterpartyId: payment.creditorCounterpartyId,
        endToEndId: payment.endToEndId,
        reference: payment.endToEndId,
        sourceKind: "payment",
        sourceRef: payment.id,
      }, dailyCapsFor(context, payment.currency));
      if (!settled) throw new ExtensionError("PAYMENT_NOT_EXECUTABLE", "the payment changed state while executing; reload it", { field: "paymentId" });
      await context.audit({
        binding: "finance.payment.execute",
        outcome: "ok",
        subjects: [payment.id],
        detail: { currency: payment.currency, sandbox: true, ...(approvalId ? { approvalId } : { autoApproved: true }) },
      });
      return { payment: paymentOut(settled) };
    });
  },
});
