import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import type { FinanceContext } from "../context.js";
import { refusePan } from "../money/identifiers.js";
import { IdempotencyKey } from "../schemas/money.js";
import { Payment } from "../schemas/payment.js";
import { requirePaymentsEnabled, withdrawPaymentApproval } from "../payments/approval.js";
import { idempotent, paymentLine, paymentOut } from "./shared.js";

/** `finance_cancel_payment`: withdraws a payment that has not been executed. */
export const cancelPaymentTool = defineTool({
  name: "finance_cancel_payment",
  title: "Cancel a payment",
  toolset: "payments",
  description:
    "Cancels a prepared, unexecuted payment and withdraws its pending approval; PAYMENT_NOT_CANCELLABLE once it settled.",
  input: z.object({ idempotencyKey: IdempotencyKey, paymentId: z.string().min(1).max(64).describe("Payment id."), reason: z.string().max(140).optional().describe("Why, for the audit trail.") }),
  output: z.object({ payment: Payment.describe("The cancelled payment"), idempotentReplayed: z.boolean().describe("A replay of an earlier call with this key") }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  examples: [{ idempotencyKey: "example-cancel-0001", paymentId: "pay_demo_cancel", reason: "Duplicate invoice" }],
  render: ({ payment }) => paymentLine(payment),
  handler: async (input, context: FinanceContext) => {
    requirePaymentsEnabled(context);
    refusePan(input.reason, "reason");
    return idempotent(context, "finance_cancel_payment", input.idempotencyKey, input, async () => {
      const storage = context.services.storage;
      const payment = await storage.getPayment(input.paymentId);
      if (!payment) throw new ExtensionError("NOT_FOUND", "no payment with that id", { field: "paymentId" });
      const changed = await storage.transitionPayment(payment.id, ["awaiting_approval", "approved"], "cancelled");
      if (!changed) throw new ExtensionError("PAYMENT_NOT_CANCELLABLE", `the payment is ${payment.status} and can no longer be cancelled`, { field: "paymentId" });
      // Nobody can approve or spend the approval of a cancelled payment.
      await withdrawPaymentApproval(context, payment);
      await context.audit({ binding: "finance.payment.cancel", outcome: "ok", subjects: [payment.id] });
      return { payment: paymentOut({ ...payment, status: "cancelled" }) };
    });
  },
});
