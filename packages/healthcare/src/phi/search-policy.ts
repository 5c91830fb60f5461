import { ExtensionError } from "@mcp-verticals/core";
import { RESULT_PARAMETERS, SEARCH_PARAMETERS, type ParamKind } from "../backend/search-engine.js";
import type { PhiMode } from "../schemas/settings.js";

/**
 * Search rules for de-identified sessions. A filter may be no more precise than the data the
 * mode shows: then every match, total and count is something the client could have computed
 * from the de-identified outputs alone, and no search confirms a guess about a person.
 * The rules are an allow-list: a parameter, modifier or value form not named here is refused
 * before the backend sees it.
 */

/** The youngest age Safe Harbor aggregates into one `90+` band (45 CFR 164.514(b)(2)(i)(C)). */
export const AGE_BAND_FLOOR = 90;

/**
 * The latest birth year inside the `90+` band for a reference year, by the same year arithmetic
 * as the de-identifier: a patient born in or before this year is shown as `90+` with no birth date.
 *
 * @example
 * ```ts
 * ageBandCutoffYear(2026); // 1936
 * ```
 * @category PHI safety
 */
export function ageBandCutoffYear(currentYear: number = new Date().getUTCFullYear()): number {
  return currentYear - AGE_BAND_FLOOR;
}

/** Address parts each de-identified mode keeps in its outputs, hence may filter on. */
const ADDRESS_PARTS: Record<Exclude<PhiMode, "identified">, ReadonlySet<string>> = {
  // Limited data set (45 CFR 164.514(e)(2)): town or city, state and ZIP code may stay.
  limited: new Set(["address-city", "address-state", "address-postalcode", "address-country"]),
  // Safe Harbor (164.514(b)(2)(i)(B)): every geographic subdivision smaller than a state goes.
  "safe-harbor": new Set(["address-state", "address-country"]),
};

/** Parameters that match on direct identifiers (names, identifiers, contact details, street addresses); never allowed when de-identified. */
const DIRECT_IDENTIFIERS = new Set(["name", "family", "given", "phonetic", "identifier", "telecom", "phone", "email", "address", "address-use", "address-city", "address-postalcode", "address-district", "address-line"]);

/** FHIR parameters that reach other resources or free text, and so can reach any identifier. */
const REACHING_PARAMETERS = new Set(["_has", "_filter", "_text", "_content", "_query", "_list", "_type"]);

/** Modifiers the engine implements, by parameter type. */
const MODIFIERS: Record<ParamKind, ReadonlySet<string>> = {
  token: new Set(["not", "missing"]),
  reference: new Set(["missing"]),
  date: new Set(["missing"]),
  string: new Set(["exact", "missing"]),
};

/** What a de-identified search needs from its caller: the mode, and a keyed fingerprint for names it must not echo. */
export interface SearchPolicyContext {
  phiMode: PhiMode;
  /** A keyed, non-reversible fingerprint of client text (for error fields). */
  fingerprint(value: string): string;
  /** Reference year for the `90+` band (default: now). */
  currentYear?: number;
}

/**
 * The error field for a search parameter: `params.<name>` when the name is a parameter FHIR
 * or this server defines, otherwise (in de-identified modes) `params.~<fingerprint>`, so an
 * error never echoes text the client made up.
 *
 * @example
 * ```ts
 * searchParameterField(policy, "Patient", "birthdate:exact"); // "params.birthdate"
 * ```
 * @category PHI safety
 */
export function searchParameterField(policy: SearchPolicyContext, resourceType: string, name: string): string {
  const base = baseName(name);
  if (isKnownParameter(resourceType, base)) return `params.${base}`;
  return policy.phiMode === "identified" ? `params.${name}` : `params.~${policy.fingerprint(name)}`;
}

const baseName = (name: string): string => name.split(/[:.]/, 1)[0]!;
const isKnownParameter = (resourceType: string, base: string): boolean =>
  base === "_id" || RESULT_PARAMETERS.has(base) || REACHING_PARAMETERS.has(base) || DIRECT_IDENTIFIERS.has(base) || ADDRESS_PARTS.limited.has(base) || SEARCH_PARAMETERS[resourceType]?.[base] !== undefined;

const refuse = (message: string, field: string): never => {
  throw new ExtensionError("PHI_FILTER_NOT_ALLOWED", message, { field });
};

/**
 * Checks one search parameter against the rules of the negotiated PHI mode, before the backend
 * is asked. Throws `PHI_FILTER_NOT_ALLOWED` for filters on quasi-identifiers finer than the mode
 * shows, `UNSUPPORTED_SEARCH_PARAMETER` for names the tool does not take in `params`, and
 * `INVALID_SEARCH_VALUE` for value forms outside the allow-list.
 *
 * @example
 * ```ts
 * checkSearchParameter(policy, "Patient", "birthdate", ["1931"]); // throws PHI_FILTER_NOT_ALLOWED under Safe Harbor in 2026
 * ```
 * @category PHI safety
 */
export function checkSearchParameter(policy: SearchPolicyContext, resourceType: string, name: string, values: readonly string[], field = searchParameterField(policy, resourceType, name)): void {
  const base = baseName(name);
  // Result parameters have their own bounded tool arguments; inside params they would bypass them (_count, _summary=count, _total, _include:iterate ...).
  if (RESULT_PARAMETERS.has(base)) {
    throw new ExtensionError("UNSUPPORTED_SEARCH_PARAMETER", "result parameters are not taken in params; use the tool's count, include, revinclude, sort and elements arguments", { field });
  }
  const mode = policy.phiMode;
  if (mode === "identified") return;
  if (name.includes(".")) refuse("chained search parameters are not allowed in de-identified modes", field);
  if (REACHING_PARAMETERS.has(base)) refuse("_has, _filter, _text, _content, _query, _list and _type are not allowed in de-identified modes", field);
  if (ADDRESS_PARTS[mode].has(base)) {
    if (name !== base) refuse("address filters take no modifier in de-identified modes", field);
    return;
  }
  if (DIRECT_IDENTIFIERS.has(base)) refuse("filtering on names, identifiers, contact details or address parts the mode removes is not allowed in de-identified modes", field);
  if (base === "_id") {
    if (name !== base) refuse("_id takes no modifier in de-identified modes", field);
    return;
  }
  const definition = SEARCH_PARAMETERS[resourceType]?.[base];
  if (!definition) throw new ExtensionError("UNSUPPORTED_SEARCH_PARAMETER", `${resourceType} has no search parameter of that name here`, { field });
  if (definition.kind === "string") refuse("free-text string filters are not allowed in de-identified modes", field);
  const modifier = name.length > base.length ? name.slice(base.length + 1) : undefined;
  if (modifier !== undefined) {
    const typeModifier = definition.kind === "reference" && /^[A-Z][A-Za-z]+$/.test(modifier);
    if (!typeModifier && !MODIFIERS[definition.kind].has(modifier)) refuse("that modifier is not allowed in de-identified modes", field);
    if (modifier === "missing") {
      if (!values.every((value) => value === "true" || value === "false")) throw new ExtensionError("INVALID_SEARCH_VALUE", ":missing takes true or false", { field });
      return;
    }
  }
  if (definition.kind === "reference") {
    for (const value of values) for (const part of value.split(",")) if (!/^([A-Z][A-Za-z]+\/)?[A-Za-z0-9\-.]{1,64}$/.test(part)) throw new ExtensionError("INVALID_SEARCH_VALUE", "a reference filter must be Type/id or id", { field });
  }
  if (definition.kind === "date" && mode === "safe-harbor") {
    for (const value of values) for (const part of value.split(",")) checkSafeHarborDate(policy, resourceType, base, part, field);
  }
}

const YEAR_ONLY = /^(eq|ne|gt|lt|ge|le|sa|eb)?(\d{4})$/;

/**
 * Under Safe Harbor a date filter names a year only; a birth-date filter may also not split the
 * `90+` band, which the outputs show as one category: it either leaves the band out entirely or
 * takes all of it (e.g. `le1936` in 2026).
 */
function checkSafeHarborDate(policy: SearchPolicyContext, resourceType: string, base: string, value: string, field: string): void {
  const match = YEAR_ONLY.exec(value);
  if (!match) refuse("under Safe Harbor, date filters may name a year only (e.g. ge2023), with eq, ne, gt, lt, ge, le, sa or eb", field);
  if (resourceType !== "Patient" || base !== "birthdate") return;
  const cutoff = ageBandCutoffYear(policy.currentYear);
  const prefix = match![1] ?? "eq";
  const year = Number(match![2]);
  // The birth years a filter selects, as [low, high]; the band is (-∞, cutoff].
  const range: [number, number] =
    prefix === "eq" ? [year, year]
    : prefix === "ge" ? [year, Infinity]
    : prefix === "gt" || prefix === "sa" ? [year + 1, Infinity]
    : prefix === "le" ? [-Infinity, year]
    : prefix === "lt" || prefix === "eb" ? [-Infinity, year - 1]
    : [NaN, NaN];
  const splitsBand =
    prefix === "ne" ? year <= cutoff // everything but one band year
    : range[0] <= cutoff && !(range[0] === -Infinity && range[1] >= cutoff);
  if (splitsBand) refuse(`under Safe Harbor, a birth-date filter may not single out years of patients aged ${AGE_BAND_FLOOR} or over; they form one band (le${cutoff})`, field);
}

/**
 * Checks the ordering a search asks for: under Safe Harbor, patients may not be sorted, because
 * their sort date is the birth date and the order would rank the `90+` band by age.
 *
 * @example
 * ```ts
 * checkSearchSort(policy, "Patient", "-date"); // throws PHI_FILTER_NOT_ALLOWED under Safe Harbor
 * ```
 * @category PHI safety
 */
export function checkSearchSort(policy: SearchPolicyContext, resourceType: string, sort: string | undefined): void {
  if (sort && policy.phiMode === "safe-harbor" && resourceType === "Patient") refuse("under Safe Harbor, patients cannot be sorted by date (their date is the birth date)", "sort");
}

/**
 * Whether a search parameter (by its plain name) may be used at all in a PHI mode, so
 * `fhir_capabilities` lists only searches the session can run.
 *
 * @example
 * ```ts
 * searchParameterAllowed("safe-harbor", "Patient", "address-city"); // false
 * ```
 * @category PHI safety
 */
export function searchParameterAllowed(mode: PhiMode, resourceType: string, name: string): boolean {
  if (mode === "identified") return true;
  if (ADDRESS_PARTS[mode].has(name)) return true;
  if (DIRECT_IDENTIFIERS.has(name) || REACHING_PARAMETERS.has(name) || RESULT_PARAMETERS.has(name)) return false;
  if (name === "_id") return true;
  const kind = SEARCH_PARAMETERS[resourceType]?.[name]?.kind;
  return kind !== undefined && kind !== "string";
}
