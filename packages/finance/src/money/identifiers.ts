import { ExtensionError } from "@mcp-verticals/core";
import { electronicFormatIBAN, extractBIC, extractIBAN, isValidBIC, isValidIBAN } from "ibantools";

/**
 * Normalizes and validates an IBAN (spaces and case tolerated) with ibantools.
 *
 * @example
 * ```ts
 * normalizeIban("de89 3704 0044 0532 0130 00"); // "DE89370400440532013000"
 * ```
 */
export function normalizeIban(raw: string): string | undefined {
  const electronic = electronicFormatIBAN(raw.toUpperCase());
  return electronic && isValidIBAN(electronic) ? electronic : undefined;
}

/** Like {@link normalizeIban} but throws `INVALID_IBAN` naming the field. */
export function requireIban(raw: string, field: string): string {
  const iban = normalizeIban(raw);
  if (iban === undefined) throw new ExtensionError("INVALID_IBAN", "the IBAN is not valid (length, country format or check digits)", { field });
  return iban;
}

/** Validates a BIC (8 or 11 characters) or throws `INVALID_BIC`. */
export function requireBic(raw: string, field: string): string {
  const bic = raw.trim().toUpperCase();
  if (!isValidBIC(bic)) throw new ExtensionError("INVALID_BIC", "the BIC is not valid", { field });
  return bic;
}

/**
 * Masks an IBAN to its country code and last four characters, the only form tools and audit records show.
 *
 * @example
 * ```ts
 * maskIban("DE89370400440532013000"); // "DE** **** **** **** **30 00"
 * ```
 */
export function maskIban(iban: string): string {
  const compact = iban.replace(/\s/g, "");
  if (compact.length <= 6) return "****";
  const masked = compact.slice(0, 2) + "*".repeat(compact.length - 6) + compact.slice(-4);
  return masked.replace(/(.{4})/g, "$1 ").trim();
}

/** Details of a validated IBAN or BIC, without echoing the full account number. */
export function describeAccountIdentifier(input: { iban?: string | undefined; bic?: string | undefined }) {
  const result: {
    iban?: { valid: boolean; country?: string; bankCode?: string; masked?: string };
    bic?: { valid: boolean; country?: string; bankCode?: string; test?: boolean };
  } = {};
  if (input.iban !== undefined) {
    const electronic = electronicFormatIBAN(input.iban.toUpperCase()) ?? "";
    const extracted = extractIBAN(electronic);
    result.iban = extracted.valid
      ? {
          valid: true,
          ...(extracted.countryCode ? { country: extracted.countryCode } : {}),
          ...(extracted.bankIdentifier ? { bankCode: extracted.bankIdentifier } : {}),
          masked: maskIban(electronic),
        }
      : { valid: false };
  }
  if (input.bic !== undefined) {
    const extracted = extractBIC(input.bic.trim().toUpperCase());
    result.bic = extracted.valid
      ? {
          valid: true,
          ...(extracted.countryCode ? { country: extracted.countryCode } : {}),
          ...(extracted.bankCode ? { bankCode: extracted.bankCode } : {}),
          test: extracted.testBIC,
        }
      : { valid: false };
  }
  return result;
}

/** Luhn checksum over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index--) {
    let digit = digits.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return false;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * Finds card numbers: runs of 13–19 digits (single spaces or dashes allowed between them) that pass Luhn.
 * Only whole runs count, so a longer account number is not mistaken for a card.
 */
function panRuns(text: string): Array<{ start: number; end: number }> {
  const found: Array<{ start: number; end: number }> = [];
  const runs = /\d(?:[ -]?\d)*/g;
  for (const match of text.matchAll(runs)) {
    const digits = match[0].replace(/[ -]/g, "");
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) found.push({ start: match.index, end: match.index + match[0].length });
  }
  return found;
}

/** Whether `text` contains a Luhn-valid card number. */
export function containsPan(text: string): boolean {
  return panRuns(text).length > 0;
}

/**
 * Replaces card numbers with their last four digits (PCI DSS 3.4.1), for text from bank files.
 *
 * @example
 * ```ts
 * redactPans("card 4111 1111 1111 1111 used"); // "card [card ••••1111] used"
 * ```
 */
export function redactPans(text: string): string {
  let result = text;
  for (const run of panRuns(text).reverse()) {
    const digits = text.slice(run.start, run.end).replace(/[ -]/g, "");
    result = `${result.slice(0, run.start)}[card ••••${digits.slice(-4)}]${result.slice(run.end)}`;
  }
  return result;
}

/** Throws `PAN_NOT_ACCEPTED` when a free-text argument carries a card number. */
export function refusePan(text: string | undefined, field: string): void {
  if (text !== undefined && containsPan(text)) {
    throw new ExtensionError("PAN_NOT_ACCEPTED", "card numbers are never accepted; remove the card number from this field", { field });
  }
}

/** Removes control and format characters (bidi overrides, zero-width) so approval text shows what is stored. */
export function stripInvisible(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/gu, "").replace(/\s+/g, " ").trim();
}
