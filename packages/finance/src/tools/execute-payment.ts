import { confirmWithUser, defineTool, ExtensionError, InputRequiredSignal } from "@mcp-verticals/core";
import { z } from "zod";
import type { FinanceContext } from "../context.js";
import { toMinorUnits } from "../money/money.js";
import { paymentDigest } from "../payments/digest.js";
import { evaluatePolicy, renderApprovalText } from "../payments/policy.js";
import { IdempotencyKey } from "../schemas/money.js";
import { Payment } from "../schemas/payment.js";
import { idempotent, paymentOut, principalOf, requirePayments, today } from "./shared.js";
import { PAYMENT_APPROVAL_BINDING } from "./prepare-payment.js";

/** The daily limits to re-check inside the settlement transaction. */
function dailyCapsFor(context: FinanceContext, currency: string) {
  const limits = context.serverSettings.limits[currency];
  if (limits === undefined) return undefined;
  return {
    perDayMinor: toMinorUnits(limits.perDay.amount, limits.perDay.currency),
    perCounterpartyMinor: limits.perCounterpartyPerDay ? toMinorUnits(limits.perCounterpartyPerDay.amount, limits.perCounterpartyPerDay.currency) : undefined,
  };
}

/**
 * Shows the server-rendered approval text to the human through MCP form elicitation when the
 * client declared a form approval UI: asked in place in the 2025 era, through a multi-round-trip
 * `input_required` result in the 2026-07-28 era. Returns the decision, or undefined when it cannot ask.
 */
async function askHuman(context: FinanceContext, preview: string): Promise<"approve" | "decline" | undefined> {
  if (!context.settings.approvalUi.includes("form")) return undefined;
  try {
    const answer = await confirmWithUser(context, `Approve this payment?\n${preview}`, { key: "approve_payment" });
    if (answer === "unavailable") return undefined;
    return answer === "accepted" ? "approve" : "decline";
  } catch (error) {
    // The 2026-07-28 round ends here; the client asks the human and retries the call.
    if (error instanceof InputRequiredSignal) throw error;
    // The client cannot elicit after all (no channel back): fall back to the token flow.
    return undefined;
  }
}

/** `finance_execute_payment`: spends the human's approval and sends the payment. */
export const executePaymentTool = defineTool({
  name: "finance_execute_payment",
  title: "Execute a payment",
  description:
    "Executes a prepared payment. When the payment needs approval and the client can show a form, the server asks the human directly; otherwise pass the approvalToken and the human's decision exactly as the host's approval UI returned them. Never decide on the user's behalf. Limits, allowlist and funds are checked again. Fails with APPROVAL_DECLINED, APPROVAL_EXPIRED, APPROVAL_MISMATCH (the payment changed since it was approved), APPROVAL_ALREADY_USED, LIMIT_EXCEEDED, PAYEE_NOT_ALLOWED or INSUFFICIENT_FUNDS. In sandbox mode the payment settles in the ledger at once. Needs an idempotencyKey: retries with the same key never pay twice.",
  input: z.object({
    idempotencyKey: IdempotencyKey,
    paymentId: z.string().min(1).max(64),
    approvalToken: z.string().max(2048).optional(),
    decision: z.enum(["approve", "decline"]).default("approve"),
  }),
  output: z.object({ payment: Payment, idempotentReplayed: z.boolean() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  requiresClientExtension: true,
  examples: [{ idempotencyKey: "example-execute-0001", paymentId: "pay_demo_small" }],
  handler: async (input, context: FinanceContext) => {
    requirePayments(context);
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
      let approvalToken = input.approvalToken;
      let decision = input.decision;
      if (needsApproval && approvalToken === undefined && verdict.violation === undefined) {
        // A 2025-era client with a form UI is asked directly, so the human (not the model) decides.
        const asked = await askHuman(context, renderApprovalText({
          debtor,
          creditorName: payment.creditorName,
          creditorIban: payment.creditorIban,
          amountMinor: payment.amountMinor,
          currency: payment.currency,
          endToEndId: payment.endToEndId,
          executionDate: payment.executionDate,
        }));
        if (asked !== undefined) {
          approvalToken = context.services.approvals.prepare({
            binding: PAYMENT_APPROVAL_BINDING,
            args: { paymentId: payment.id, digest: payment.digest },
            principal: principalOf(context),
            preview: "elicited",
          }).token;
          decision = asked;
        }
      }
      if (needsApproval && approvalToken === undefined) {
        throw new ExtensionError("APPROVAL_REQUIRED", "this payment needs the human's approval token from finance_prepare_payment", { field: "approvalToken" });
      }
      if (approvalToken !== undefined && decision === "decline") {
        await context.services.approvals.decline(approvalToken);
        await storage.transitionPayment(payment.id, ["awaiting_approval", "approved"], "rejected");
        await context.audit({ binding: "finance.payment.execute", outcome: "denied", code: "APPROVAL_DECLINED", subjects: [payment.id] });
        throw new ExtensionError("APPROVAL_DECLINED", "the approver declined the payment; nothing was sent");
      }
      if (verdict.violation) {
        await context.audit({ binding: "finance.payment.execute", outcome: "denied", code: verdict.violation.code, subjects: [payment.id] });
        throw verdict.violation;
      }
      let approvalId: string | undefined;
      if (approvalToken !== undefined) {
        try {
          ({ approvalId } = await context.services.approvals.confirm({
            token: approvalToken,
            binding: PAYMENT_APPROVAL_BINDING,
            args: { paymentId: payment.id, digest: payment.digest },
            principal: principalOf(context),
          }));
        } catch (error) {
          if (error instanceof ExtensionError) {
            await context.audit({ binding: "finance.payment.execute", outcome: "denied", code: error.code, subjects: [payment.id] });
            if (error.code === "APPROVAL_DECLINED") await storage.transitionPayment(payment.id, ["awaiting_approval", "approved"], "rejected");
          }
          throw error;
        }
      }
      const payables = await storage.findAccountByRole("payables", payment.currency);
      if (!payables) throw new ExtensionError("NOT_FOUND", `no payables account in ${payment.currency}`, { field: "paymentId" });
      if (context.serverSettings.features.payments === "live") {
        throw new ExtensionError("PAYMENT_RAIL_UNAVAILABLE", "live mode needs a payment rail adapter, which this server does not have; use sandbox");
      }
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
