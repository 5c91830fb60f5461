import { z } from "zod";
import { CurrencyCode, Money } from "./money.js";

/** Payment mode: `disabled` (no payment tools work), `sandbox` (settled in the ledger only), `live` (handed to a payment rail). */
export const PaymentMode = z.enum(["disabled", "sandbox", "live"]);

/** Approval interfaces a client can show a human. */
export const ApprovalUi = z.enum(["form", "url"]);

/** Limits for payments in one currency. */
export const CurrencyLimits = z.object({
  perPayment: Money.describe("Largest single payment."),
  perDay: Money.describe("Most that may be executed per UTC day from all accounts."),
  perCounterpartyPerDay: Money.optional().describe("Most per UTC day to one payee."),
  autoApproveBelow: Money.optional().describe("Payments strictly below this to an allowlisted payee execute without a human approval."),
});

/** What the server advertises under `capabilities.extensions["io.github.mcp-verticals/finance"]`. */
export const FinanceServerSettings = z.object({
  amountFormat: z.literal("decimal-string").default("decimal-string").describe("Amounts are exact decimal strings with a currency, never floating-point numbers."),
  currencies: z
    .union([z.array(CurrencyCode).min(1).describe("The accepted currencies."), z.literal("*").describe("Any ISO 4217 currency.")])
    .default("*")
    .describe("Currencies the ledger accepts."),
  features: z
    .object({
      accounts: z.boolean().default(true).describe("Account listing and balances are served."),
      transactions: z.boolean().default(true).describe("Transaction listing and lookup are served."),
      ledger: z.boolean().default(true).describe("Double-entry postings and the trial balance are served."),
      payments: PaymentMode.default("sandbox").describe("`disabled`: no payment tool works; `sandbox`: settled in the ledger only; `live`: handed to a payment rail."),
      import: z
        .array(z.enum(["camt.053", "ofx", "csv"]).describe("A bank statement format."))
        .default(["camt.053", "ofx", "csv"])
        .describe("Statement formats the import accepts."),
      export: z
        .array(z.enum(["camt.053", "pain.001", "hledger"]).describe("An export format."))
        .default(["camt.053", "pain.001", "hledger"])
        .describe("Formats the server exports."),
    })
    .prefault({})
    .describe("Which parts of the finance surface the server serves."),
  approval: z
    .object({
      required: z
        .enum(["always", "above_threshold"])
        .default("above_threshold")
        .describe("`always`: every payment needs a human; `above_threshold`: payments below `autoApproveBelow` to an allowlisted payee do not."),
      modes: z
        .array(ApprovalUi.describe("`form`: elicitation form in the client; `url`: the server's approval page."))
        .min(1)
        .default(["form", "url"])
        .describe("Channels through which a human can approve."),
      ttlSeconds: z.number().int().min(10).max(3600).default(300).describe("Seconds a pending approval stays valid."),
    })
    .prefault({})
    .describe("How payments are approved by a human."),
  limits: z
    .record(CurrencyCode, CurrencyLimits)
    .default({
      EUR: {
        perPayment: { amount: "10000.00", currency: "EUR" },
        perDay: { amount: "25000.00", currency: "EUR" },
        perCounterpartyPerDay: { amount: "15000.00", currency: "EUR" },
        autoApproveBelow: { amount: "100.00", currency: "EUR" },
      },
      USD: {
        perPayment: { amount: "10000.00", currency: "USD" },
        perDay: { amount: "25000.00", currency: "USD" },
      },
    })
    .describe("Payment limits per currency; a payment in a currency without limits is refused."),
  payeeAllowlist: z.enum(["off", "required"]).default("required").describe("`required`: payments go only to counterparties marked allowlisted."),
  idempotency: z
    .object({
      retentionSeconds: z.number().int().min(86_400).default(604_800).describe("How long an idempotency key and its result are kept."),
      leaseSeconds: z
        .number()
        .int()
        .min(1)
        .max(3_600)
        .default(120)
        .describe("How long an in-flight write's claim lasts unless its worker renews it; a retry after a crashed worker resumes once it lapses."),
    })
    .prefault({})
    .describe("Idempotency keys of writes."),
  redaction: z
    .object({
      iban: z.literal("last4").default("last4").describe("IBANs are shown with their last four characters only (the pain.001 file excepted)."),
      pan: z.literal("never").default("never").describe("Card numbers are never shown."),
    })
    .prefault({})
    .describe("What outputs mask."),
  pagination: z
    .object({
      defaultLimit: z.number().int().min(1).max(1000).default(50).describe("Items per page when a call names no limit."),
      maxLimit: z.number().int().min(1).max(1000).default(200).describe("Largest page a call may ask for."),
    })
    .prefault({})
    .describe("Paging of list tools."),
});

/** What a client declares. Strict: a typo is refused, not ignored. */
export const FinanceClientSettings = z.strictObject({
  approvalUi: z
    .array(ApprovalUi.describe("`form` or `url`."))
    .default([])
    .describe("Approval interfaces the client can show a human; payments need at least one the server offers."),
  locale: z
    .string()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/)
    .optional()
    .describe("BCP 47 locale for human-readable approval text."),
});

/** The settings in force for one request. */
export const FinanceEffectiveSettings = z.object({
  /** Writes (post_entry, import, payments) are available: the client negotiated the extension. */
  writes: z.boolean(),
  /** Payment mode for this client: `disabled` unless the client can show an approval the server offers. */
  payments: PaymentMode,
  approvalUi: z.array(ApprovalUi),
  locale: z.string(),
  defaultLimit: z.number().int(),
  maxLimit: z.number().int(),
});

export type FinanceServerSettings = z.output<typeof FinanceServerSettings>;
export type FinanceClientSettings = z.output<typeof FinanceClientSettings>;
export type FinanceEffectiveSettings = z.output<typeof FinanceEffectiveSettings>;
export type CurrencyLimits = z.output<typeof CurrencyLimits>;
