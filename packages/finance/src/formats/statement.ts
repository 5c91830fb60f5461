/** One line of a bank statement, format-independent, amounts in minor units (credit positive). */
export interface StatementLine {
  amountMinor: bigint;
  bookingDate: string;
  valueDate?: string | undefined;
  status: "booked" | "pending";
  /** The bank's reference for de-duplication (camt AcctSvcrRef / NtryRef, OFX FITID); derived from content when absent. */
  bankRef: string;
  endToEndId?: string | undefined;
  counterpartyName?: string | undefined;
  counterpartyIban?: string | undefined;
  description: string;
  bankCode?: string | undefined;
}

/** One statement of one account. */
export interface ParsedStatement {
  id: string;
  accountIban?: string | undefined;
  /** Masked or partial account number when the file carries no IBAN (OFX ACCTID). */
  accountNumber?: string | undefined;
  currency: string;
  openingMinor?: bigint | undefined;
  closingMinor?: bigint | undefined;
  lines: StatementLine[];
}

/** ISO date from `2026-11-24`, `2026-11-24T10:00:00` or OFX `20261124[hhmmss][.xxx][tz]`. */
export function isoDateOf(raw: string): string | undefined {
  const value = raw.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}`;
  const compact = /^(\d{4})(\d{2})(\d{2})/.exec(value);
  if (compact) return `${compact[1]}-${compact[2]}-${compact[3]}`;
  return undefined;
}
