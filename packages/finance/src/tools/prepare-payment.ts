import { randomBytes } from "node:crypto";
import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import { newId } from "../backend/sql-storage.js";
import type { FinanceContext } from "../context.js";
import { refusePan, requireBic, requireIban } from "../money/identifiers.js";
import { openPaymentApproval, paymentPreview, requirePaymentsEnabled } from "../payments/approval.js";
import { paymentDigest } from "../payments/digest.js";
import { evaluatePolicy } from "../payments/policy.js";
import { IdempotencyKey, IsoDate, Money } from "../schemas/money.js";
import { ApprovalRequest, Payment, PaymentChecks } from "../schemas/payment.js";
import { idempotent, minorOf, paymentLine, paymentOut, today } from "./shared.js";

/** `finance_prepare_payment`: creates a payment and, when needed, an approval request for a human. */
export const preparePaymentTool = defineTool({
  name: "finance_prepare_payment",
  title: "Prepare a payment",
  toolset: "payments",
  description:
    "Prepares a credit transfer from a company bank account to a counterparty id or a new payee (name + IBAN), checking limits, allowlist and funds (LIMIT_EXCEEDED, PAYEE_NOT_ALLOWED, INSUFFICIENT_FUNDS, CURRENCY_MISMATCH, AMOUNT_PRECISION). Nothing moves yet: the result names any pending human approval; then call finance_execute_payment. No tool argument approves a payment.",
  input: z.object({
    idempotencyKey: IdempotencyKey,
    debtorAccountId: z.string().min(1).max(64).describe("Paying bank account id."),
    creditor: z
      .union([
        z.object({ counterpartyId: z.string().min(1).max(64).describe("A known counterparty.") }),
        z.object({ name: z.string().min(1).max(140).describe("Payee name."), iban: z.string().min(5).max(42).describe("Payee IBAN."), bic: z.string().max(11).optional().describe("Payee BIC.") }),
      ])
      .describe("Payee: a counterparty id, or name and IBAN."),
    amount: Money.describe("Positive, in the debtor account's currency."),
    remittance: z.string().max(140).optional().describe("Remittance text for the payee."),
    executionDate: IsoDate.optional().describe("Requested date; default today."),
    endToEndId: z.string().regex(/^[A-Za-z0-9/\-?:().,'+ ]{1,35}$/).optional().describe("End-to-end id (SEPA characters); default generated."),
  }),
  output: z.object({
    payment: Payment.describe("The prepared payment"),
    checks: PaymentChecks.describe("Policy checks"),
    approval: ApprovalRequest.optional().describe("The pending human approval, when one is required"),
    idempotentReplayed: z.boolean().describe("A replay of an earlier call with this key"),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  render: ({ payment, approval }) =>
    `${paymentLine(payment)}${approval ? `; awaiting human approval ${approval.approvalId} until ${approval.expiresAt}${approval.approvalUrl ? ` at ${approval.approvalUrl}` : ""}` : ""}`,
  examples: [
    {
      idempotencyKey: "example-prepare-0001",
      debtorAccountId: "acc_operating",
      creditor: { counterpartyId: "cp_acme" },
      amount: { amount: "1250.00", currency: "EUR" },
      remittance: "Invoice ACME-2026-118",
      endToEndId: "E2E-EXAMPLE-0001",
    },
  ],
  handler: async (input, context: FinanceContext) => {
    requirePaymentsEnabled(context);
    refusePan(input.remittance, "remittance");
    if ("name" in input.creditor) refusePan(input.creditor.name, "creditor.name");
    return idempotent(context, "finance_prepare_payment", input.idempotencyKey, input, async () => {
      const storage = context.services.storage;
      const debtor = await storage.getAccount(input.debtorAccountId);
      if (!debtor) throw new ExtensionError("NOT_FOUND", "no account with that id", { field: "debtorAccountId" });
      if (debtor.role !== "bank" || !debtor.iban) throw new ExtensionError("ACCOUNT_CANNOT_PAY", "payments go out only from bank accounts with an IBAN", { field: "debtorAccountId" });
      const amountMinor = minorOf(context, input.amount, "amount");
      if (amountMinor <= 0n) throw new ExtensionError("AMOUNT_INVALID", "a payment amount must be positive", { field: "amount.amount" });
      if (input.amount.currency !== debtor.currency) throw new ExtensionError("CURRENCY_MISMATCH", `the debtor account is kept in ${debtor.currency}`, { field: "amount.currency" });
      let creditor: { counterpartyId?: string; name: string; iban: string; bic?: string; allowlisted: boolean };
      let payee: Awaited<ReturnType<typeof storage.getCounterparty>>;
      if ("counterpartyId" in input.creditor) {
        const counterparty = await storage.getCounterparty(input.creditor.counterpartyId);
        if (!counterparty) throw new ExtensionError("NOT_FOUND", "no counterparty with that id", { field: "creditor.counterpartyId" });
        if (!counterparty.iban) throw new ExtensionError("INVALID_IBAN", "the counterparty has no IBAN on file", { field: "creditor.counterpartyId" });
        creditor = { counterpartyId: counterparty.id, name: counterparty.name, iban: counterparty.iban, ...(counterparty.bic ? { bic: counterparty.bic } : {}), allowlisted: counterparty.allowlisted };
        payee = counterparty;
      } else {
        const iban = requireIban(input.creditor.iban, "creditor.iban");
        const known = await storage.findCounterpartyByIban(iban);
        payee = known;
        creditor = {
          ...(known ? { counterpartyId: known.id } : {}),
          // A known payee is paid (and shown) under its stored name, never the one the model typed.
          name: known ? known.name : input.creditor.name,
          iban,
          ...(input.creditor.bic ? { bic: requireBic(input.creditor.bic, "creditor.bic") } : {}),
          allowlisted: known?.allowlisted === true,
        };
      }
      const executionDate = input.executionDate ?? today(context);
      if (executionDate < today(context)) throw new ExtensionError("EXECUTION_DATE_INVALID", "the execution date is in the past", { field: "executionDate" });
      const endToEndId = input.endToEndId ?? `E2E-${randomBytes(8).toString("hex").toUpperCase()}`;
      const verdict = await evaluatePolicy(context, { debtor, creditorIban: creditor.iban, creditorAllowlisted: creditor.allowlisted, amountMinor, currency: debtor.currency, date: today(context) });
      if (verdict.violation) {
        await context.audit({ binding: "finance.payment.prepare", outcome: "denied", code: verdict.violation.code, detail: { currency: debtor.currency } });
        throw verdict.violation;
      }
      const core = { debtorAccountId: debtor.id, debtorIban: debtor.iban, creditorName: creditor.name, creditorIban: creditor.iban, amountMinor, currency: debtor.currency, endToEndId, executionDate };
      const digest = paymentDigest(core);
      const record = {
        id: newId("pay"),
        status: verdict.approvalRequired ? ("awaiting_approval" as const) : ("approved" as const),
        debtorAccountId: debtor.id,
        creditorCounterpartyId: creditor.counterpartyId,
        creditorName: creditor.name,
        creditorIban: creditor.iban,
        creditorBic: creditor.bic,
        amountMinor,
        currency: debtor.currency,
        endToEndId,
        executionDate,
        remittance: input.remittance,
        digest,
        createdAt: context.services.now().toISOString(),
      };
      await storage.createPayment(record);
      let approval: z.input<typeof ApprovalRequest> | undefined;
      if (verdict.approvalRequired) {
        // Opened now so the operator can see it at once; only a human channel can decide it.
        approval = await openPaymentApproval(context, record, paymentPreview({ payment: record, debtor, payee: payee?.iban === record.creditorIban ? payee : undefined }));
      }
      await context.audit({
        binding: "finance.payment.prepare",
        outcome: "ok",
        subjects: [record.id],
        detail: { currency: record.currency, approvalRequired: verdict.approvalRequired, ...(approval ? { approvalId: approval.approvalId } : {}) },
      });
      const { violation: _none, ...checks } = verdict;
      return { payment: paymentOut(record), checks, ...(approval ? { approval } : {}) };
    });
  },
});
