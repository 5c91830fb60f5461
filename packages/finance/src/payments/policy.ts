import { ExtensionError } from "@mcp-verticals/core";
import type { AccountRecord } from "../backend/finance-storage.js";
import type { FinanceContext } from "../context.js";
import { fromMinorUnits, toMinorUnits } from "../money/money.js";
import type { CurrencyLimits } from "../schemas/settings.js";

/** What the policy needs to know about a payment. */
export interface PolicyInput {
  debtor: AccountRecord;
  creditorIban: string;
  creditorAllowlisted: boolean;
  amountMinor: bigint;
  currency: string;
  /** Executed-today totals exclude this payment. */
  date: string;
}

/** The outcome of the policy checks; `violation` is the first refusal, if any. */
export interface PolicyVerdict {
  withinLimits: boolean;
  payeeAllowlisted: boolean;
  sufficientFunds: boolean;
  approvalRequired: boolean;
  violation?: ExtensionError;
}

const limitMinor = (limit: { amount: string; currency: string }): bigint => toMinorUnits(limit.amount, limit.currency);

/**
 * Checks limits (per payment, per day, per payee per day), the payee allowlist and funds,
 * and decides whether a human approval is needed. Run at prepare and again at execute.
 */
export async function evaluatePolicy(context: FinanceContext, input: PolicyInput): Promise<PolicyVerdict> {
  const settings = context.serverSettings;
  const storage = context.services.storage;
  const limits: CurrencyLimits | undefined = settings.limits[input.currency];
  const payeeAllowlisted = settings.payeeAllowlist === "off" || input.creditorAllowlisted;
  let violation: ExtensionError | undefined;
  let withinLimits = true;
  if (limits === undefined) {
    withinLimits = false;
    violation = new ExtensionError("LIMIT_EXCEEDED", `no payment limits are configured for ${input.currency}, so payments in it are refused`, { field: "amount.currency" });
  } else {
    const dayTotal = await storage.executedTotal(input.currency, input.date);
    const payeeTotal = limits.perCounterpartyPerDay ? await storage.executedTotal(input.currency, input.date, input.creditorIban) : 0n;
    if (input.amountMinor > limitMinor(limits.perPayment)) {
      withinLimits = false;
      violation = new ExtensionError("LIMIT_EXCEEDED", `the amount exceeds the per-payment limit of ${limits.perPayment.amount} ${limits.perPayment.currency}`, { field: "amount" });
    } else if (dayTotal + input.amountMinor > limitMinor(limits.perDay)) {
      withinLimits = false;
      violation = new ExtensionError("LIMIT_EXCEEDED", `the payment would exceed today's limit of ${limits.perDay.amount} ${limits.perDay.currency}`, { field: "amount" });
    } else if (limits.perCounterpartyPerDay && payeeTotal + input.amountMinor > limitMinor(limits.perCounterpartyPerDay)) {
      withinLimits = false;
      violation = new ExtensionError("LIMIT_EXCEEDED", `the payment would exceed today's limit for this payee of ${limits.perCounterpartyPerDay.amount} ${limits.perCounterpartyPerDay.currency}`, {
        field: "amount",
      });
    }
  }
  if (violation === undefined && !payeeAllowlisted) {
    violation = new ExtensionError("PAYEE_NOT_ALLOWED", "the payee is not on the allowlist; an administrator must add the counterparty first", { field: "creditor" });
  }
  const { booked } = await storage.balances(input.debtor.id);
  const sufficientFunds = booked >= input.amountMinor;
  if (violation === undefined && !sufficientFunds) {
    violation = new ExtensionError("INSUFFICIENT_FUNDS", "the debtor account's booked balance does not cover the amount", { field: "amount" });
  }
  const autoApproveBelow = limits?.autoApproveBelow;
  const approvalRequired =
    settings.approval.required === "always" || !payeeAllowlisted || autoApproveBelow === undefined || input.amountMinor >= limitMinor(autoApproveBelow);
  return { withinLimits, payeeAllowlisted, sufficientFunds, approvalRequired, ...(violation ? { violation } : {}) };
}

/** Today's remaining budget per currency, for the policy resource. */
export async function remainingBudget(context: FinanceContext, date: string) {
  const out: Record<string, { perDay: string; executedToday: string; remainingToday: string }> = {};
  for (const [currency, limits] of Object.entries(context.serverSettings.limits)) {
    const executed = await context.services.storage.executedTotal(currency, date);
    const remaining = limitMinor(limits.perDay) - executed;
    out[currency] = {
      perDay: limits.perDay.amount,
      executedToday: fromMinorUnits(executed, currency),
      remainingToday: fromMinorUnits(remaining < 0n ? 0n : remaining, currency),
    };
  }
  return out;
}
