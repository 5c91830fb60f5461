import { z } from "zod";
import { CurrencyCode, Money } from "./money.js";

/** Ledger account types (the five elements of double-entry bookkeeping). */
export const AccountType = z.enum(["asset", "liability", "equity", "income", "expense"]);

/** A ledger account as tools return it; IBANs only masked. */
export const Account = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  type: AccountType,
  currency: CurrencyCode,
  ibanMasked: z.string().optional(),
  bic: z.string().optional(),
  institution: z.string().optional(),
});

/** A balance of one account. */
export const Balance = z.object({
  type: z.enum(["booked", "pending"]),
  amount: Money,
  asOf: z.string(),
});

/** A counterparty (payee or payer). */
export const Counterparty = z.object({
  id: z.string(),
  name: z.string(),
  ibanMasked: z.string().optional(),
  bic: z.string().optional(),
  country: z.string().optional(),
  allowlisted: z.boolean().describe("Payments to this counterparty pass the payee allowlist."),
});

export type Account = z.output<typeof Account>;
export type AccountType = z.output<typeof AccountType>;
export type Counterparty = z.output<typeof Counterparty>;
