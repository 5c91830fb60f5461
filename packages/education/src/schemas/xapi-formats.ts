/**
 * String formats xAPI 1.0.3 (Part Two, Data, §4) requires: IRIs, RFC 5646 language tags,
 * `mailto:` IRIs, ISO 8601 timestamps and durations. Plain functions, so both the zod
 * schemas and the HTTP layer use the same rule.
 */

// RFC 3987 forbids these in an IRI; whitespace and controls are never part of one.
const IRI_FORBIDDEN = /[\s<>"{}|\\^`\u0000-\u001f\u007f]/u;

/**
 * Whether a string is an absolute IRI: a scheme (RFC 3986 §3.1), `:`, and a non-empty rest
 * with no character RFC 3987 forbids.
 *
 * @example
 * ```ts
 * isAbsoluteIri("http://adlnet.gov/expapi/verbs/completed"); // true
 * isAbsoluteIri("completed"); // false
 * ```
 * @category xAPI
 */
export function isAbsoluteIri(value: string): boolean {
  const match = /^([a-z][a-z0-9+.-]*):(.+)$/isu.exec(value);
  return match !== null && !IRI_FORBIDDEN.test(value) && value.length <= 4096;
}

const IRREGULAR_TAGS = new Set([
  "en-gb-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak", "i-klingon", "i-lux", "i-mingo", "i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu",
  "sgn-be-fr", "sgn-be-nl", "sgn-ch-de", "art-lojban", "cel-gaulish", "no-bok", "no-nyn", "zh-guoyu", "zh-hakka", "zh-min", "zh-min-nan", "zh-xiang",
]);

// RFC 5646 §2.1 ABNF for `langtag` and `privateuse`, case-insensitive.
const LANGTAG = new RegExp(
  "^(?:" +
    "(?<language>[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})" +
    "(?:-[a-z]{4})?" +
    "(?:-(?:[a-z]{2}|[0-9]{3}))?" +
    "(?<variants>(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*)" +
    "(?<extensions>(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*)" +
    "(?:-x(?:-[a-z0-9]{1,8})+)?" +
    "|x(?:-[a-z0-9]{1,8})+" +
    ")$",
  "i",
);

/**
 * Whether a string is a well-formed RFC 5646 language tag (BCP 47), including the
 * grandfathered and private-use forms; duplicate variants and extension singletons are
 * not well formed (RFC 5646 §2.2.5, §2.2.6).
 *
 * @example
 * ```ts
 * isLanguageTag("en-US"); // true
 * isLanguageTag("en_US"); // false
 * ```
 * @category xAPI
 */
export function isLanguageTag(value: string): boolean {
  if (IRREGULAR_TAGS.has(value.toLowerCase())) return true;
  const match = LANGTAG.exec(value);
  if (!match) return false;
  const variants = (match.groups?.variants ?? "").toLowerCase().split("-").filter(Boolean);
  if (new Set(variants).size !== variants.length) return false;
  const singletons = (match.groups?.extensions ?? "").toLowerCase().split("-").filter((part) => part.length === 1);
  return new Set(singletons).size === singletons.length;
}

/**
 * Whether a string is a `mailto:` IRI of one email address (xAPI 1.0.3 §2.4.2.3: `mbox`
 * is "mailto:email address").
 *
 * @example
 * ```ts
 * isMailtoIri("mailto:learner@example.org"); // true
 * isMailtoIri("learner@example.org"); // false
 * ```
 * @category xAPI
 */
export function isMailtoIri(value: string): boolean {
  return /^mailto:[^\s@?,;<>()[\]"]+@[^\s@?,;<>()[\]"]+$/iu.test(value);
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * Whether a string is an ISO 8601 date-time as xAPI 1.0.3 §4.5 accepts it: extended
 * format `YYYY-MM-DDThh:mm[:ss[.fff…]]` with `Z` or a `±hh[:mm]` offset (or none), real
 * calendar values, and never the "unknown local offset" `-00:00` / `-0000` / `-00` that
 * xAPI requires an LRS to reject.
 *
 * @example
 * ```ts
 * isXapiTimestamp("2026-12-01T09:30:00.123Z"); // true
 * isXapiTimestamp("2026-12-01T09:30:00-00:00"); // false
 * ```
 * @category xAPI
 */
export function isXapiTimestamp(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2})(?::?(\d{2}))?)?$/u.exec(value);
  if (!match) return false;
  const [, year, month, day, hour, minute, second, zone, zoneHours, zoneMinutes] = match;
  const m = Number(month);
  if (m < 1 || m > 12 || Number(day) < 1 || Number(day) > daysIn(Number(year), m)) return false;
  if (Number(hour) > 23 || Number(minute) > 59 || (second !== undefined && Number(second) > 60)) return false;
  if (zone !== undefined && zone !== "Z") {
    if (Number(zoneHours) > 14 || Number(zoneMinutes ?? 0) > 59) return false;
    if (zone.startsWith("-") && Number(zoneHours) === 0 && Number(zoneMinutes ?? 0) === 0) return false;
  }
  return true;
}

/**
 * Whether a string is an ISO 8601 duration: `PnW`, or `PnYnMnDTnHnMnS` with at least one
 * component, `T` only before a time component, and a decimal fraction only on the smallest
 * component given (ISO 8601-1:2019 §5.5.2.4).
 *
 * @example
 * ```ts
 * isIsoDuration("PT1H30M"); // true
 * isIsoDuration("PT"); // false
 * ```
 * @category xAPI
 */
export function isIsoDuration(value: string): boolean {
  const n = "(\\d+(?:[.,]\\d+)?)";
  const match = new RegExp(`^P(?:${n}W|(?:${n}Y)?(?:${n}M)?(?:${n}D)?(?:T(?:${n}H)?(?:${n}M)?(?:${n}S)?)?)$`, "u").exec(value);
  if (!match) return false;
  const parts = match.slice(1).filter((part): part is string => part !== undefined);
  if (parts.length === 0) return false;
  if (value.endsWith("T")) return false;
  return parts.slice(0, -1).every((part) => !/[.,]/u.test(part));
}
