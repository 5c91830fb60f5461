import { z } from "zod";
import { AMOUNT_PATTERN } from "../money/money.js";

/** ISO 4217 alphabetic code; membership in the active table is checked by the handlers (`CURRENCY_NOT_SUPPORTED`). */
export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/).describe("ISO 4217 alphabetic code, e.g. EUR");

/** A decimal string amount: dot separator, never a JSON number. */
export const DecimalAmount = z.string().regex(AMOUNT_PATTERN).describe('Decimal string, e.g. "-1250.00"; never a number');

/** Money on the wire: `{ amount: "12.30", currency: "EUR" }`. Decimals beyond the currency exponent are refused with AMOUNT_PRECISION. */
export const Money = z.object({ amount: DecimalAmount, currency: CurrencyCode });

/**
 * Money as tools return it: the same shape as {@link Money}, without its input patterns (the server
 * emits canonical values), so output schemas stay short.
 */
export const MoneyOut = z.object({ amount: z.string().describe("Decimal string"), currency: z.string().describe("ISO 4217") });

/** A count in a tool's output. */
// zod writes ±(2^53 − 1) bounds on every integer; a count needs only its lower bound.
export const Count = z.int().min(0).meta({ maximum: undefined });

/** Paging inputs every list tool accepts. */
export const PageInput = {
  cursor: z.string().max(2048).optional().describe("nextCursor of the previous page."),
  limit: z.number().int().min(1).max(1000).optional().describe("Page size (capped by the server)."),
};

/** Paging outputs every list tool returns. */
export const PageOutput = {
  truncated: z.boolean().describe("More with nextCursor"),
  nextCursor: z.string().optional().describe("Cursor of the next page"),
};

/** Idempotency key required on every write. */
export const IdempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{8,255}$/)
  .describe("Client-chosen key (8-255 of letters, digits . _ : -); the same key and arguments replay the result, other arguments fail with IDEMPOTENCY_CONFLICT.");

/** ISO date `YYYY-MM-DD`. */
export const IsoDate = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/).describe("Date, YYYY-MM-DD");

export type Money = z.output<typeof Money>;
