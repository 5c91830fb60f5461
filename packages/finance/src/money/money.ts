import { ExtensionError } from "@mcp-verticals/core";
import { currencyInfo } from "./currencies.js";

/** Decimal amount on the wire: optional minus, up to 18 integer digits, up to 6 decimals, dot separator. */
export const AMOUNT_PATTERN = /^-?(0|[1-9]\d{0,17})(\.\d{1,6})?$/;

/**
 * Largest magnitude of one amount, in minor units: 10^15 − 1 (9,999,999,999,999.99 EUR).
 *
 * Storage keeps minor units in 64-bit integers (SQLite INTEGER, PostgreSQL BIGINT, both at most
 * 2^63 − 1 ≈ 9.22 × 10^18). Capping each amount about 9,000 times below that keeps account
 * balances and trial-balance sums exact in every engine; a larger amount is refused with
 * `AMOUNT_OUT_OF_RANGE` naming the field, before anything reaches storage.
 */
export const MAX_AMOUNT_MINOR = 10n ** 15n - 1n;

/**
 * Largest magnitude of a reported total (a balance, a trial-balance column), in minor units:
 * 10^18 − 1, so every total fits a signed 64-bit integer of minor units wherever it is read.
 * Totals are summed exactly on every engine; one beyond this is refused with
 * `AMOUNT_OUT_OF_RANGE` naming the output field, never reported rounded or as an internal error.
 */
export const MAX_TOTAL_MINOR = 10n ** 18n - 1n;

/**
 * A total as wire money, or `AMOUNT_OUT_OF_RANGE` naming `field` when it exceeds ±{@link MAX_TOTAL_MINOR}.
 *
 * @example
 * ```ts
 * totalMoney(123_45n, "EUR", "balances.booked"); // { amount: "123.45", currency: "EUR" }
 * ```
 * @category Money
 */
export function totalMoney(minor: bigint, currency: string, field: string): MoneyValue {
  if (minor > MAX_TOTAL_MINOR || minor < -MAX_TOTAL_MINOR) {
    throw new ExtensionError("AMOUNT_OUT_OF_RANGE", `the total exceeds ±${fromMinorUnits(MAX_TOTAL_MINOR, currency)} ${currency}, the largest total this server reports`, {
      field,
      data: { max: fromMinorUnits(MAX_TOTAL_MINOR, currency) },
    });
  }
  return money(minor, currency);
}

/**
 * Parses a decimal-string amount into integer minor units of `currency`.
 * Never goes through a JavaScript number, so no float rounding can happen.
 *
 * @throws ExtensionError `CURRENCY_NOT_SUPPORTED` for an unknown code, `AMOUNT_INVALID` for a malformed
 *   string, `AMOUNT_PRECISION` when the amount has more decimals than the currency allows,
 *   `AMOUNT_OUT_OF_RANGE` beyond ±{@link MAX_AMOUNT_MINOR} minor units.
 * @example
 * ```ts
 * toMinorUnits("12.30", "EUR"); // 1230n
 * toMinorUnits("1.5", "JPY");   // throws AMOUNT_PRECISION
 * ```
 */
export function toMinorUnits(amount: string, currency: string, field = "amount"): bigint {
  const info = currencyInfo(currency);
  if (info === undefined) {
    throw new ExtensionError("CURRENCY_NOT_SUPPORTED", "the currency is not an active ISO 4217 code", { field: `${field}.currency` });
  }
  if (typeof amount !== "string" || !AMOUNT_PATTERN.test(amount)) {
    throw new ExtensionError("AMOUNT_INVALID", "amounts are decimal strings such as \"-12.30\" (dot separator, at most 6 decimals)", {
      field: `${field}.amount`,
    });
  }
  const negative = amount.startsWith("-");
  const [whole = "0", fraction = ""] = (negative ? amount.slice(1) : amount).split(".");
  const significant = fraction.replace(/0+$/, "");
  if (significant.length > info.exponent) {
    throw new ExtensionError("AMOUNT_PRECISION", `${currency} allows at most ${info.exponent} decimal places`, { field: `${field}.amount` });
  }
  const minor = BigInt(whole + significant.padEnd(info.exponent, "0"));
  if (minor > MAX_AMOUNT_MINOR) {
    throw new ExtensionError("AMOUNT_OUT_OF_RANGE", `amounts are limited to ±${fromMinorUnits(MAX_AMOUNT_MINOR, currency)} ${currency}`, {
      field: `${field}.amount`,
      data: { max: fromMinorUnits(MAX_AMOUNT_MINOR, currency) },
    });
  }
  return negative ? -minor : minor;
}

/**
 * Formats integer minor units as the canonical decimal string of `currency` (exactly `exponent` decimals).
 *
 * @example
 * ```ts
 * fromMinorUnits(-1230n, "EUR"); // "-12.30"
 * fromMinorUnits(5n, "KWD");     // "0.005"
 * ```
 */
export function fromMinorUnits(minor: bigint, currency: string): string {
  const info = currencyInfo(currency);
  if (info === undefined) throw new ExtensionError("CURRENCY_NOT_SUPPORTED", "the currency is not an active ISO 4217 code");
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(info.exponent + 1, "0");
  const whole = info.exponent === 0 ? digits : digits.slice(0, digits.length - info.exponent);
  const fraction = info.exponent === 0 ? "" : `.${digits.slice(digits.length - info.exponent)}`;
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

/** A money value on the wire. */
export interface MoneyValue {
  amount: string;
  currency: string;
}

/**
 * Builds a wire money value from minor units.
 *
 * @example
 * ```ts
 * money(1230n, "EUR"); // { amount: "12.30", currency: "EUR" }
 * ```
 */
export function money(minor: bigint, currency: string): MoneyValue {
  return { amount: fromMinorUnits(minor, currency), currency };
}

/**
 * Parses a decimal string found in a bank file (which may use a leading `+` or a decimal comma)
 * into minor units; bank files may carry more decimals than the currency (camt allows five),
 * which is refused with `AMOUNT_PRECISION` unless the extra digits are zeros.
 *
 * @example
 * ```ts
 * bankAmountToMinor("+1.234,50", "EUR"); // 123450n
 * ```
 */
export function bankAmountToMinor(raw: string, currency: string, field = "content"): bigint {
  let text = raw.trim().replace(/\s/g, "");
  if (text.startsWith("+")) text = text.slice(1);
  if (text.includes(",")) {
    // "1.234,50" (dot thousands) or "1234,50": the last separator is the decimal mark.
    text = text.lastIndexOf(",") > text.lastIndexOf(".") ? text.replace(/\./g, "").replace(",", ".") : text.replace(/,/g, "");
  }
  if (text.startsWith(".")) text = `0${text}`;
  if (text.startsWith("-.")) text = `-0${text.slice(1)}`;
  if (/^-?\d+\.$/.test(text)) text = text.slice(0, -1);
  text = text.replace(/^(-?)0+(?=\d)/, "$1");
  try {
    return toMinorUnits(text, currency, field);
  } catch (error) {
    if (error instanceof ExtensionError && error.code === "AMOUNT_INVALID") {
      throw new ExtensionError("STATEMENT_INVALID", "the statement contains an amount that is not a decimal number", { field });
    }
    throw error;
  }
}
