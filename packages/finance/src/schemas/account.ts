import { z } from "zod";
import { MoneyOut } from "./money.js";

/** Ledger account types (the five elements of double-entry bookkeeping). */
export const AccountType = z.enum(["asset", "liability", "equity", "income", "expense"]);

/** A ledger account as tools return it; IBANs only masked. */
export const Account = z.object({
  id: z.string().describe("Id"),
  code: z.string().describe("Code"),
  name: z.string().describe("Name"),
  type: AccountType.describe("Type"),
  currency: z.string().describe("ISO 4217"),
  ibanMasked: z.string().optional().describe("Masked IBAN"),
  bic: z.string().optional().describe("BIC"),
  institution: z.string().optional().describe("Bank"),
});

/** A balance of one account. */
export const Balance = z.object({
  type: z.enum(["booked", "pending"]).describe("Entries counted"),
  amount: MoneyOut.describe("Balance"),
  asOf: z.string().describe("YYYY-MM-DD"),
});

/** A counterparty (payee or payer). */
export const Counterparty = z.object({
  id: z.string().describe("Id"),
  name: z.string().describe("Name"),
  ibanMasked: z.string().optional().describe("Masked IBAN"),
  bic: z.string().optional().describe("BIC"),
  country: z.string().optional().describe("ISO 3166"),
  allowlisted: z.boolean().describe("On the payee allowlist"),
});

export type Account = z.output<typeof Account>;
export type AccountType = z.output<typeof AccountType>;
export type Counterparty = z.output<typeof Counterparty>;
