import { z } from "zod";
import { AMOUNT_PATTERN } from "../money/money.js";

/** ISO 4217 alphabetic code; membership in the active table is checked by the handlers (`CURRENCY_NOT_SUPPORTED`). */
export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/).describe("ISO 4217 alphabetic code, e.g. EUR");

/** A decimal string amount: dot separator, never a JSON number. */
export const DecimalAmount = z.string().regex(AMOUNT_PATTERN).describe('Decimal string, e.g. "-1250.00"; never a number');

/** Money on the wire: `{ amount: "12.30", currency: "EUR" }`. Decimals beyond the currency exponent are refused with AMOUNT_PRECISION. */
export const Money = z.object({ amount: DecimalAmount, currency: CurrencyCode });

/** Paging inputs every list tool accepts. */
export const PageInput = {
  cursor: z.string().max(2048).optional().describe("Opaque cursor from a previous page's nextCursor."),
  limit: z.number().int().min(1).max(1000).optional().describe("Page size; clamped to the server's maximum."),
};

/** Paging outputs every list tool returns. */
export const PageOutput = {
  truncated: z.boolean().describe("More items exist; call again with nextCursor."),
  nextCursor: z.string().optional(),
};

/** Idempotency key required on every write. */
export const IdempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{8,255}$/)
  .describe("Client-chosen key (8-255 chars of letters, digits, . _ : -). Retrying with the same key and arguments replays the result; the same key with different arguments fails with IDEMPOTENCY_CONFLICT.");

/** ISO date `YYYY-MM-DD`. */
export const IsoDate = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/).describe("Date, YYYY-MM-DD");

export type Money = z.output<typeof Money>;
