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
 * Free text as card detection sees it: NFKC (full-width and other compatibility digits become
 * ASCII, so "４１１１" is 4111), digits of every other script as ASCII digits, with format characters (zero-width joiners, bidi marks) removed
 * so they cannot split a number. Stored text is this normalized form.
 *
 * @example
 * ```ts
 * normalizeFreeText("４１１１\u200b１１１１"); // "41111111"
 * ```
 */
export function normalizeFreeText(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/\p{Cf}/gu, "")
    .replace(/\p{Nd}/gu, (digit) => (digit <= "9" ? digit : String(decimalValue(digit.codePointAt(0)!))));
}

/**
 * The value of a decimal digit of any script (Arabic-Indic, Devanagari, ...), which NFKC leaves
 * alone: Unicode puts each script's digits 0-9 in one contiguous run, so the value is the distance
 * from the start of the run (modulo 10, for blocks with several runs back to back).
 */
function decimalValue(codePoint: number): number {
  let start = codePoint;
  while (start > 0 && /\p{Nd}/u.test(String.fromCodePoint(start - 1))) start--;
  return (codePoint - start) % 10;
}

/** Characters people put between digit groups: any space, dash, dot, slash, underscore, comma, apostrophe or middle dot. */
const SEPARATOR = "[\\s\\p{Zs}\\p{Pd}._/,'’·•]";
/** A digit run with at most three separator characters between digits (e.g. "4111 - 1111"). */
const DIGIT_RUN = new RegExp(`\\d(?:${SEPARATOR}{0,3}\\d)*`, "gu");

/**
 * Finds card numbers in normalized text: runs of 13–19 digits (any separators between them)
 * that pass Luhn. Only whole runs count, so a longer account number is not mistaken for a card.
 * A run longer than 19 digits is also searched for 13–19-digit windows that pass Luhn and are
 * delimited by a separator, so "order 12 4111.1111.1111.1111" is still caught.
 */
function panRuns(normalized: string): Array<{ start: number; end: number; digits: string }> {
  const found: Array<{ start: number; end: number; digits: string }> = [];
  for (const match of normalized.matchAll(DIGIT_RUN)) {
    const digits = match[0].replace(/\D/g, "");
    if (digits.length < 13) continue;
    if (digits.length <= 19 && luhnValid(digits)) {
      found.push({ start: match.index, end: match.index + match[0].length, digits });
      continue;
    }
    // Split a long run at its separators and test every group-aligned window.
    const groups = [...match[0].matchAll(/\d+/g)].map((group) => ({ start: match.index + group.index, end: match.index + group.index + group[0].length, digits: group[0] }));
    for (let first = 0; first < groups.length; first++) {
      let window = "";
      for (let last = first; last < groups.length; last++) {
        window += groups[last]!.digits;
        if (window.length > 19) break;
        if (window.length >= 13 && luhnValid(window)) {
          found.push({ start: groups[first]!.start, end: groups[last]!.end, digits: window });
          first = last;
          break;
        }
      }
    }
  }
  return found;
}

/** Whether `text` contains a Luhn-valid card number, after {@link normalizeFreeText}. */
export function containsPan(text: string): boolean {
  return panRuns(normalizeFreeText(text)).length > 0;
}

/**
 * Normalizes free text ({@link normalizeFreeText}) and replaces card numbers with their last
 * four digits (PCI DSS 3.4.1), for text from bank files and other sources that cannot be refused.
 *
 * @example
 * ```ts
 * redactPans("card 4111.1111.1111.1111 used"); // "card [card ••••1111] used"
 * ```
 */
export function redactPans(text: string): string {
  const normalized = normalizeFreeText(text);
  let result = normalized;
  for (const run of panRuns(normalized).reverse()) {
    result = `${result.slice(0, run.start)}[card ••••${run.digits.slice(-4)}]${result.slice(run.end)}`;
  }
  return result;
}

/**
 * Masks every valid IBAN written in free text (spaced or compact) with {@link maskIban}, so
 * statement text shown by tools and resources never carries a full account number.
 *
 * @example
 * ```ts
 * maskIbansInText("SEPA from DE89 3704 0044 0532 0130 00 ref 7"); // "SEPA from DE** **** **** **** **30 00 ref 7"
 * ```
 */
export function maskIbansInText(text: string): string {
  return text.replace(/\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b/gi, (candidate) => {
    // Trailing words can glue onto a spaced IBAN; take the longest valid prefix.
    const compact = candidate.replace(/ /g, "").toUpperCase();
    for (let length = compact.length; length >= 15; length--) {
      if (isValidIBAN(compact.slice(0, length))) {
        let consumed = 0;
        let index = 0;
        while (consumed < length) {
          if (candidate[index] !== " ") consumed++;
          index++;
        }
        return maskIban(compact.slice(0, length)) + candidate.slice(index);
      }
    }
    return candidate;
  });
}

/**
 * Free text from an outside source made safe to store and show: normalized, card numbers
 * redacted, IBANs masked.
 *
 * @example
 * ```ts
 * cleanFreeText("Paid with ４１１１ １１１１ １１１１ １１１１"); // "Paid with [card ••••1111]"
 * ```
 */
export function cleanFreeText(text: string): string {
  return maskIbansInText(redactPans(text));
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
