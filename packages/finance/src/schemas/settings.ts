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
  amountFormat: z.literal("decimal-string").default("decimal-string"),
  currencies: z.union([z.array(CurrencyCode).min(1), z.literal("*")]).default("*").describe("Currencies the ledger accepts."),
  features: z
    .object({
      accounts: z.boolean().default(true),
      transactions: z.boolean().default(true),
      ledger: z.boolean().default(true),
      payments: PaymentMode.default("sandbox"),
      import: z.array(z.enum(["camt.053", "ofx", "csv"])).default(["camt.053", "ofx", "csv"]),
      export: z.array(z.enum(["camt.053", "pain.001", "hledger"])).default(["camt.053", "pain.001", "hledger"]),
    })
    .prefault({}),
  approval: z
    .object({
      required: z.enum(["always", "above_threshold"]).default("above_threshold"),
      modes: z.array(ApprovalUi).min(1).default(["form", "url"]),
      ttlSeconds: z.number().int().min(10).max(3600).default(300),
    })
    .prefault({}),
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
    .prefault({}),
  redaction: z.object({ iban: z.literal("last4").default("last4"), pan: z.literal("never").default("never") }).prefault({}),
  pagination: z
    .object({ defaultLimit: z.number().int().min(1).max(1000).default(50), maxLimit: z.number().int().min(1).max(1000).default(200) })
    .prefault({}),
});

/** What a client declares. Strict: a typo is refused, not ignored. */
export const FinanceClientSettings = z.strictObject({
  /** Approval interfaces the client can show a human; payments need at least one the server offers. */
  approvalUi: z.array(ApprovalUi).default([]),
  /** BCP 47 locale for human-readable approval text. */
  locale: z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/).optional(),
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
