import { defineResource, ExtensionError } from "@mcp-verticals/core";
import { FINANCE_AUDIT_LOG, type FinanceContext } from "../context.js";
import { buildCamt053 } from "../formats/camt053.js";
import { buildPain001 } from "../formats/pain001.js";
import { CURRENCIES } from "../money/currencies.js";
import { maskIban } from "../money/identifiers.js";
import { remainingBudget } from "../payments/policy.js";
import { accountOut, paymentOut, today, transactionOut } from "../tools/shared.js";

const json = (value: unknown) => ({ text: JSON.stringify(value, null, 2) });
const MAX_ROWS = 500;

/** `finance://accounts`: the chart of accounts. */
export const accountsResource = defineResource({
  name: "accounts",
  title: "Chart of accounts",
  uri: "finance://accounts",
  description: "Every ledger account with type, currency and masked IBAN, as JSON.",
  mimeType: "application/json",
  example: "finance://accounts",
  read: async (_uri, _vars, context: FinanceContext) => {
    const { items, total } = await context.services.storage.listAccounts({}, 0, MAX_ROWS);
    return json({ accounts: items.map(accountOut), total });
  },
});

/** `finance://accounts/{accountId}/transactions`: the latest transactions of one account. */
export const accountTransactionsResource = defineResource({
  name: "account-transactions",
  title: "Account transactions",
  uri: "finance://accounts/{accountId}/transactions",
  description: "The latest 500 transactions touching one account, newest first, as JSON (statement text fenced as untrusted).",
  mimeType: "application/json",
  example: "finance://accounts/acc_operating/transactions",
  list: async (context: FinanceContext) =>
    (await context.services.storage.listAccounts({}, 0, MAX_ROWS)).items.map((account) => ({
      uri: `finance://accounts/${account.id}/transactions`,
      name: `${account.code} ${account.name} transactions`,
    })),
  read: async (_uri, { accountId }, context: FinanceContext) => {
    const account = await context.services.storage.getAccount(accountId ?? "");
    if (!account) throw new ExtensionError("NOT_FOUND", "no such account");
    const { items, total } = await context.services.storage.listEntries({ accountId: account.id }, 0, MAX_ROWS);
    return json({ accountId: account.id, transactions: items.map(transactionOut), total, truncated: total > items.length });
  },
});

/** `finance://accounts/{accountId}/statements/{period}.camt053.xml`: a camt.053 export for one month. */
export const statementResource = defineResource({
  name: "statement-camt053",
  title: "camt.053 statement export",
  uri: "finance://accounts/{accountId}/statements/{period}",
  description: "A camt.053.001.08 statement of one bank account for one month (period YYYY-MM), with opening and closing booked balances. The account IBAN is masked (Acct/Id/Othr, scheme MASKED_IBAN).",
  mimeType: "application/xml",
  example: "finance://accounts/acc_operating/statements/2026-10",
  read: async (_uri, { accountId, period }, context: FinanceContext) => {
    const storage = context.services.storage;
    const account = await storage.getAccount(accountId ?? "");
    if (!account?.iban) throw new ExtensionError("NOT_FOUND", "no bank account with that id");
    const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period ?? "");
    if (!match) throw new ExtensionError("NOT_FOUND", "period must be YYYY-MM");
    const from = `${match[1]}-${match[2]}-01`;
    const lastDay = new Date(Date.UTC(Number(match[1]), Number(match[2]), 0)).getUTCDate();
    const to = `${match[1]}-${match[2]}-${String(lastDay).padStart(2, "0")}`;
    const dayBefore = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 0)).toISOString().slice(0, 10);
    const opening = (await storage.balances(account.id, dayBefore)).booked;
    const lines = [];
    for (let offset = 0; ; offset += 1000) {
      const batch = await storage.listEntries({ accountId: account.id, from, to, status: "booked" }, offset, 1000);
      lines.push(...batch.items);
      if (offset + 1000 >= batch.total) break;
    }
    lines.reverse();
    const xml = buildCamt053({
      messageId: `STMT-${account.code}-${period}`,
      createdAt: `${to}T23:59:59`,
      statementId: `${account.code}-${period}`,
      // The spec allows a full IBAN only in the pain.001 file; every client sees this statement masked.
      account: { maskedIban: maskIban(account.iban).replace(/ /g, "") },
      currency: account.currency,
      from,
      to,
      openingMinor: opening,
      lines: lines.map((entry) => ({
        amountMinor: entry.postings.filter((posting) => posting.accountId === account.id).reduce((sum, posting) => sum + posting.amountMinor, 0n),
        bookingDate: entry.date,
        ref: entry.id,
        description: entry.description,
        endToEndId: entry.endToEndId,
      })),
    });
    return { text: xml, mimeType: "application/xml" };
  },
});

/** `finance://payments/{paymentId}`: one payment as JSON. */
export const paymentResource = defineResource({
  name: "payment",
  title: "Payment",
  uri: "finance://payments/{paymentId}",
  description: "One payment with its status and digest, as JSON (creditor IBAN masked).",
  mimeType: "application/json",
  example: "finance://payments/pay_demo_cancel",
  list: async (context: FinanceContext) =>
    (await context.services.storage.listPayments(0, 100)).items.map((payment) => ({ uri: `finance://payments/${payment.id}`, name: `${payment.id} (${payment.status})` })),
  read: async (_uri, { paymentId }, context: FinanceContext) => {
    const payment = await context.services.storage.getPayment(paymentId ?? "");
    if (!payment) throw new ExtensionError("NOT_FOUND", "no such payment");
    return json(paymentOut(payment));
  },
});

/** `finance://payments/{paymentId}/pain001`: the ISO 20022 pain.001.001.09 initiation of a payment. */
export const painResource = defineResource({
  name: "payment-pain001",
  title: "Payment as pain.001",
  uri: "finance://payments/{paymentId}/pain001",
  description: "The pain.001.001.09 customer credit transfer initiation a bank would receive for this payment. It carries the full IBANs, so it is readable only by clients that negotiated the extension.",
  mimeType: "application/xml",
  requiresClientExtension: true,
  example: "finance://payments/pay_demo_cancel/pain001",
  read: async (_uri, { paymentId }, context: FinanceContext) => {
    const storage = context.services.storage;
    const payment = await storage.getPayment(paymentId ?? "");
    if (!payment) throw new ExtensionError("NOT_FOUND", "no such payment");
    const debtor = await storage.getAccount(payment.debtorAccountId);
    if (!debtor?.iban) throw new ExtensionError("NOT_FOUND", "the debtor account has no IBAN");
    const xml = buildPain001({
      messageId: `MSG-${payment.id}`.slice(0, 35),
      createdAt: payment.createdAt.slice(0, 19),
      paymentInfoId: `PMT-${payment.id}`.slice(0, 35),
      executionDate: payment.executionDate,
      debtorName: "Nordlicht Design GmbH",
      debtorIban: debtor.iban,
      debtorBic: debtor.bic,
      endToEndId: payment.endToEndId,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      creditorName: payment.creditorName,
      creditorIban: payment.creditorIban,
      creditorBic: payment.creditorBic,
      remittance: payment.remittance,
    });
    return { text: xml, mimeType: "application/xml" };
  },
});

/** `finance://currencies`: the ISO 4217 table with exponents. */
export const currenciesResource = defineResource({
  name: "currencies",
  title: "ISO 4217 currencies",
  uri: "finance://currencies",
  description: "Active ISO 4217 currencies with numeric code and minor-unit exponent (0, 2, 3 or 4), and whether this server accepts each.",
  mimeType: "application/json",
  example: "finance://currencies",
  read: async (_uri, _vars, context: FinanceContext) => {
    const allowed = context.serverSettings.currencies;
    return json({ currencies: CURRENCIES.map((currency) => ({ ...currency, accepted: allowed === "*" || allowed.includes(currency.code) })) });
  },
});

/** `finance://policy`: the effective policy and today's remaining budget. */
export const policyResource = defineResource({
  name: "policy",
  title: "Effective payment policy",
  uri: "finance://policy",
  description: "The payment mode, approval rules, limits, allowlist rule and today's remaining budget per currency for this client.",
  mimeType: "application/json",
  example: "finance://policy",
  read: async (_uri, _vars, context: FinanceContext) =>
    json({
      payments: context.settings.payments,
      writes: context.settings.writes,
      approval: context.serverSettings.approval,
      limits: context.serverSettings.limits,
      payeeAllowlist: context.serverSettings.payeeAllowlist,
      today: today(context),
      budget: await remainingBudget(context, today(context)),
    }),
});

/** `finance://audit`: the hash-chained audit log (pseudonymized; no IBANs or payloads). */
export const auditResource = defineResource({
  name: "audit",
  title: "Audit log",
  uri: "finance://audit",
  description: "The latest 500 records of the hash-chained audit trail as JSON Lines: who (pseudonymized) did what, with which outcome. Readable only by clients that negotiated the extension.",
  mimeType: "application/jsonl",
  requiresClientExtension: true,
  example: "finance://audit",
  read: async (_uri, _vars, context: FinanceContext) => {
    const lines = await context.services.state.readLog<string>(FINANCE_AUDIT_LOG, { last: MAX_ROWS });
    return { text: lines.map((line) => line.entry).join("\n") };
  },
});

