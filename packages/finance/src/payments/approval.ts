import { ExtensionError, openHumanApproval, requireHumanApproval, withdrawHumanApproval, type ApprovalPreview, type HumanDecision, type OpenedApproval } from "@mcp-verticals/core";
import type { AccountRecord, CounterpartyRecord, PaymentRecord } from "../backend/finance-storage.js";
import type { FinanceContext } from "../context.js";
import { maskIban, stripInvisible } from "../money/identifiers.js";
import { fromMinorUnits } from "../money/money.js";

/** The action payment approvals are recorded for. */
export const PAYMENT_APPROVAL_BINDING = "finance_execute_payment";

/**
 * Refuses payment tools only when the server turned payments off. Payments no longer depend on
 * what the client declared: every payment that needs approval waits for a human, recorded by
 * the server, so a plain client can prepare and execute them safely.
 */
export function requirePaymentsEnabled(context: FinanceContext): void {
  if (context.serverSettings.features.payments === "disabled") throw new ExtensionError("PAYMENTS_DISABLED", "payments are disabled on this server");
}

/** The payee as the server can vouch for it: the stored counterparty when its IBAN is the one paid. */
export function verifiedPayee(counterparty: CounterpartyRecord | undefined, creditorIban: string): CounterpartyRecord | undefined {
  return counterparty !== undefined && counterparty.iban === creditorIban ? counterparty : undefined;
}

/**
 * What the human approves, from stored data only: amount and currency from the payment row,
 * the allowlisted payee's stored name and IBAN, the stored debtor account. The payee name of a
 * payee the server does not know, the end-to-end id and the remittance came from the model and
 * are fenced as such.
 */
export function paymentPreview(input: { payment: PaymentRecord; debtor: AccountRecord; payee: CounterpartyRecord | undefined }): ApprovalPreview {
  const { payment, debtor, payee } = input;
  const to = payee
    ? `To ${stripInvisible(payee.name)} (stored payee ${payee.id}${payee.allowlisted ? ", allowlisted" : ", NOT allowlisted"}), IBAN ${maskIban(payment.creditorIban)}`
    : `To a payee this server does not know, IBAN ${maskIban(payment.creditorIban)} (the name below was typed by the assistant)`;
  return {
    title: "Approve this payment?",
    facts: [
      `Amount: ${fromMinorUnits(payment.amountMinor, payment.currency)} ${payment.currency}`,
      to,
      `From ${stripInvisible(debtor.name)}${debtor.iban ? ` (IBAN ${maskIban(debtor.iban)})` : ""}`,
      `Execution date ${payment.executionDate}; payment ${payment.id}`,
    ],
    modelSupplied: [
      ...(payee ? [] : [{ label: "payee name", text: payment.creditorName }]),
      { label: "end-to-end id", text: payment.endToEndId },
      ...(payment.remittance ? [{ label: "remittance", text: payment.remittance }] : []),
    ],
  };
}

function approvalRequest(context: FinanceContext, payment: PaymentRecord, preview: ApprovalPreview) {
  return {
    binding: PAYMENT_APPROVAL_BINDING,
    // The digest covers amount, payee, debtor, id and date: any change needs a new approval.
    args: { paymentId: payment.id, digest: payment.digest },
    preview,
    ttlMs: context.serverSettings.approval.ttlSeconds * 1000,
    now: () => context.services.now().getTime(),
  };
}

/** Opens the approval a prepared payment waits for, so its id and the places to decide can be reported at once. */
export function openPaymentApproval(context: FinanceContext, payment: PaymentRecord, preview: ApprovalPreview): Promise<OpenedApproval> {
  return openHumanApproval(context, approvalRequest(context, payment, preview));
}

/** Gets the human's decision on a payment through core's approval channels (never from tool input). */
export function requirePaymentApproval(context: FinanceContext, payment: PaymentRecord, preview: ApprovalPreview): Promise<HumanDecision> {
  return requireHumanApproval(context, approvalRequest(context, payment, preview));
}

/** Withdraws the open approval of a cancelled payment. */
export function withdrawPaymentApproval(context: FinanceContext, payment: PaymentRecord): Promise<boolean> {
  const { binding, args, now } = approvalRequest(context, payment, { title: "", facts: [] });
  return withdrawHumanApproval(context, { binding, args, now }, "the payment was cancelled");
}
