import { createHash } from "node:crypto";
import { boundPage, ExtensionError, fenceUntrustedText, resolveLimit } from "@mcp-verticals/core";
import type { AccountRecord, CounterpartyRecord, EntryRecord, PaymentRecord } from "../backend/finance-storage.js";
import type { FinanceContext } from "../context.js";
import { currencyInfo } from "../money/currencies.js";
import { maskIban, maskIbansInText } from "../money/identifiers.js";
import { money, toMinorUnits } from "../money/money.js";
import type { Account, Counterparty } from "../schemas/account.js";
import type { Payment } from "../schemas/payment.js";
import type { Transaction } from "../schemas/transaction.js";

/** Largest serialized page a list tool returns. */
export const MAX_PAGE_BYTES = 200_000;

/** The principal's id, or `local` for unauthenticated stdio use. */
export const principalOf = (context: FinanceContext): string => context.principal?.id ?? "local";

/** Refuses writes for clients that did not negotiate the extension (core gates them too; this covers direct calls). */
export function requireWrites(context: FinanceContext): void {
  if (!context.settings.writes) throw new ExtensionError("WRITES_UNAVAILABLE", "writes need a client that negotiated the finance extension");
}

/** Refuses payment tools unless payments are enabled and the client can show an approval. */
export function requirePayments(context: FinanceContext): void {
  requireWrites(context);
  if (context.serverSettings.features.payments === "disabled") throw new ExtensionError("PAYMENTS_DISABLED", "payments are disabled on this server");
  if (context.settings.payments === "disabled") {
    throw new ExtensionError("APPROVAL_UNAVAILABLE", "payments need a client that declares an approval UI (approvalUi) this server offers");
  }
}

/** Checks the currency is active ISO 4217 and accepted by this server. */
export function requireCurrency(context: FinanceContext, currency: string, field: string): void {
  if (currencyInfo(currency) === undefined) throw new ExtensionError("CURRENCY_NOT_SUPPORTED", "the currency is not an active ISO 4217 code", { field });
  const allowed = context.serverSettings.currencies;
  if (allowed !== "*" && !allowed.includes(currency)) throw new ExtensionError("CURRENCY_NOT_SUPPORTED", "this server does not accept that currency", { field });
}

/** Parses wire money into minor units, naming the field on failure. */
export function minorOf(context: FinanceContext, value: { amount: string; currency: string }, field: string): bigint {
  requireCurrency(context, value.currency, `${field}.currency`);
  return toMinorUnits(value.amount, value.currency, field);
}

/**
 * The id a write books under, derived from its idempotency scope and key: a write resumed after
 * its worker died finds what the dead worker already booked instead of booking it twice.
 */
export function requestRecordId(context: FinanceContext, tool: string, key: string, prefix: string): string {
  return `${prefix}_k${createHash("sha256").update(`${tool}\u0000${principalOf(context)}\u0000${key}`).digest("hex").slice(0, 24)}`;
}

/** Runs a write once per (tool, principal, key); replays report `idempotentReplayed`. */
export async function idempotent<T extends object>(
  context: FinanceContext,
  tool: string,
  key: string,
  args: unknown,
  fn: (attempt: { resumed: boolean }) => Promise<T>,
): Promise<T & { idempotentReplayed: boolean }> {
  const { result, replayed } = await context.services.idempotency.run({ scope: `${tool}:${principalOf(context)}`, key, args }, fn);
  return { ...result, idempotentReplayed: replayed };
}

/** Cuts one page with a signed cursor bound to the query. */
export async function page<R, T>(
  context: FinanceContext,
  query: unknown,
  input: { cursor?: string | undefined; limit?: number | undefined },
  fetch: (offset: number, limit: number) => Promise<{ items: R[]; total: number }>,
  map: (record: R) => T,
) {
  const { offset } = input.cursor === undefined ? { offset: 0 } : context.services.cursors.decode(input.cursor, query);
  const limit = resolveLimit(input.limit, { defaultLimit: context.settings.defaultLimit, maxLimit: context.settings.maxLimit });
  const fetched = await fetch(offset, limit);
  const total = fetched.total;
  const items = fetched.items.map(map);
  const bounded = boundPage({ items, offset: 0, limit, maxBytes: MAX_PAGE_BYTES, total: total - offset, cursorCodec: context.services.cursors, query });
  // boundPage counted from 0 on this slice; re-encode the cursor at the absolute offset.
  const nextOffset = offset + bounded.items.length;
  const truncated = nextOffset < total;
  return {
    items: bounded.items,
    total,
    truncated,
    ...(truncated ? { nextCursor: context.services.cursors.encode({ offset: nextOffset }, query) } : {}),
  };
}

/** An account as tools show it. */
export function accountOut(account: AccountRecord): Account {
  return {
    id: account.id,
    code: account.code,
    name: account.name,
    type: account.type,
    currency: account.currency,
    ...(account.iban ? { ibanMasked: maskIban(account.iban) } : {}),
    ...(account.bic ? { bic: account.bic } : {}),
    ...(account.institution ? { institution: account.institution } : {}),
  };
}

/** A counterparty as tools show it. */
export function counterpartyOut(counterparty: CounterpartyRecord): Counterparty {
  return {
    id: counterparty.id,
    name: counterparty.name,
    ...(counterparty.iban ? { ibanMasked: maskIban(counterparty.iban) } : {}),
    ...(counterparty.bic ? { bic: counterparty.bic } : {}),
    ...(counterparty.country ? { country: counterparty.country } : {}),
    allowlisted: counterparty.allowlisted,
  };
}

const IMPORTED = new Set(["camt.053", "ofx", "csv"]);

/** An entry as tools show it; text that came from a bank file is fenced as untrusted. */
export function transactionOut(entry: EntryRecord): Transaction {
  const fromBank = IMPORTED.has(entry.sourceKind);
  return {
    id: entry.id,
    date: entry.date,
    // Full IBANs appear only in the pain.001 file: any written into free text are masked on the way out.
    description: fromBank ? fenceUntrustedText(maskIbansInText(entry.description), `a ${entry.sourceKind} bank statement`) : maskIbansInText(entry.description),
    status: entry.status,
    postings: entry.postings.map((posting) => ({ accountId: posting.accountId, amount: money(posting.amountMinor, posting.currency) })),
    ...(entry.counterpartyId ? { counterpartyId: entry.counterpartyId } : {}),
    ...(entry.reference ? { reference: fromBank ? fenceUntrustedText(maskIbansInText(entry.reference), "a bank statement") : maskIbansInText(entry.reference) } : {}),
    ...(entry.endToEndId ? { endToEndId: entry.endToEndId } : {}),
    ...(entry.reversalOf ? { reversalOf: entry.reversalOf } : {}),
    source: { kind: entry.sourceKind, ...(entry.sourceRef ? { ref: entry.sourceRef } : {}) },
  };
}

/** One line of text for a transaction: date, id, status, the amount moved, description (already fenced when from a bank). */
export function transactionLine(transaction: Transaction): string {
  const debits = transaction.postings.filter((posting) => !posting.amount.amount.startsWith("-"));
  const moved = debits.map((posting) => `${posting.amount.amount} ${posting.amount.currency}`).join(" + ");
  return `${transaction.date} ${transaction.id} ${transaction.status} ${moved}: ${transaction.description}`;
}

/** One line of text for a payment: id, status, amount, payee, date. */
export function paymentLine(payment: Payment): string {
  return `Payment ${payment.id} ${payment.status}: ${payment.amount.amount} ${payment.amount.currency} to ${payment.creditor.name} (${payment.creditor.ibanMasked}) on ${payment.executionDate}`;
}

/** A payment as tools show it (creditor IBAN masked). */
export function paymentOut(payment: PaymentRecord): Payment {
  return {
    id: payment.id,
    status: payment.status,
    debtorAccountId: payment.debtorAccountId,
    creditor: {
      ...(payment.creditorCounterpartyId ? { counterpartyId: payment.creditorCounterpartyId } : {}),
      name: payment.creditorName,
      ibanMasked: maskIban(payment.creditorIban),
      ...(payment.creditorBic ? { bic: payment.creditorBic } : {}),
    },
    amount: money(payment.amountMinor, payment.currency),
    endToEndId: payment.endToEndId,
    executionDate: payment.executionDate,
    ...(payment.remittance ? { remittance: maskIbansInText(payment.remittance) } : {}),
    digest: payment.digest,
    createdAt: payment.createdAt,
    ...(payment.transactionId ? { transactionId: payment.transactionId } : {}),
  };
}

/** Today's date (UTC) from the service clock. */
export const today = (context: FinanceContext): string => context.services.now().toISOString().slice(0, 10);
