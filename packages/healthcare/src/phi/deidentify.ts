import type { Resource } from "@medplum/fhirtypes";
import { keyedId } from "@mcp-verticals/core";
import type { PhiMode } from "../schemas/settings.js";

/** Maps real ids to keyed pseudonyms and back, for one deployment key. */
export interface PseudonymRegistry {
  /** The pseudonym of `Type/id` (stable for the key). */
  pseudonym(resourceType: string, id: string): string;
  /** The real id behind a pseudonym this registry issued, if any. */
  resolve(resourceType: string, pseudonym: string): string | undefined;
  /** A short keyed fingerprint of client text (12 hex chars), for error fields that must not echo it; nothing is stored. */
  fingerprint(value: string): string;
}

/**
 * Creates a pseudonym registry: ids become `keyedId(key, "Type/id")`, remembered so a later
 * read by pseudonym finds the record.
 *
 * @example
 * ```ts
 * const registry = createPseudonymRegistry(process.env.HEALTHCARE_PSEUDONYM_KEY!);
 * registry.pseudonym("Patient", "patient-001"); // 32 hex chars
 * ```
 */
export function createPseudonymRegistry(key: string | Uint8Array): PseudonymRegistry {
  const reverse = new Map<string, string>();
  return {
    pseudonym(resourceType, id) {
      const value = keyedId(key, `${resourceType}/${id}`);
      reverse.set(`${resourceType}/${value}`, id);
      return value;
    },
    resolve: (resourceType, pseudonym) => reverse.get(`${resourceType}/${pseudonym}`),
    fingerprint: (value) => keyedId(key, `fingerprint:${value}`).slice(0, 12),
  };
}

/** How {@link deidentifyResource} treats a resource. */
export interface DeidentifyOptions {
  mode: PhiMode;
  freeText: "keep" | "scrub" | "drop";
  registry: PseudonymRegistry;
  /** Person names known to the deployment, scrubbed from free text wherever they appear. */
  knownNames?: ReadonlySet<string>;
  /** Reference year for the age > 89 rule (default: the current year). */
  currentYear?: number;
}

/** Extensions that carry a person's name or another direct identifier; removed whole outside identified mode. */
const IDENTIFYING_EXTENSIONS = new Set([
  "http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName",
  "http://hl7.org/fhir/StructureDefinition/humanname-own-name",
  "http://hl7.org/fhir/StructureDefinition/humanname-own-prefix",
  "http://hl7.org/fhir/StructureDefinition/humanname-partner-name",
  "http://hl7.org/fhir/StructureDefinition/humanname-partner-prefix",
  "http://hl7.org/fhir/StructureDefinition/humanname-mothers-family",
  "http://hl7.org/fhir/StructureDefinition/humanname-fathers-family",
]);

/**
 * Every name part in a resource's HumanName elements (including contained resources and extensions), lower-cased.
 *
 * @example
 * ```ts
 * namesIn(patient); // Set { "peter", "james", "chalmers" }
 * ```
 */
export function namesIn(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const item of value) namesIn(item, into);
  else if (isObject(value)) {
    if (looksLikeHumanName(value)) {
      for (const part of [...(Array.isArray(value.given) ? value.given : []), value.family, ...(typeof value.text === "string" ? value.text.split(/\s+/) : [])]) {
        if (typeof part === "string") for (const word of part.split(/[\s,]+/)) if (word.length > 1) into.add(word.toLowerCase());
      }
    }
    for (const child of Object.values(value)) if (typeof child === "object") namesIn(child, into);
  }
  return into;
}

const DATE_VALUE = /^(\d{4})-\d{2}(-\d{2})?(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/;
const FREE_TEXT_KEYS = new Set(["div", "comment", "valueString", "valueMarkdown", "description", "note"]);
const PATTERNS: [RegExp, string][] = [
  [/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, "[email]"],
  [/\bhttps?:\/\/\S+/g, "[url]"],
  [/\b\d{1,3}(\.\d{1,3}){3}\b/g, "[ip]"],
  [/\b\d{3}-\d{2}-\d{4}\b/g, "[id]"],
  [/\bMRN\s*[:#]?\s*[A-Z]*\d[A-Z0-9-]*/g, "[id]"],
  [/\b[A-Z]{2,4}\d{5,}\b/g, "[id]"],
  [/(\+?1[ .-]?)?\(?\b\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b/g, "[phone]"],
  [/\b\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?\b/g, "[date]"],
  [/\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/g, "[date]"],
  [/\b\d{5}(-\d{4})?\b/g, "[zip]"],
];

/**
 * Scrubs free text: identifier patterns (email, URL, IP, SSN, MRN, phone, dates, ZIP) and every known person name.
 *
 * @example
 * ```ts
 * scrubFreeText("Call 555-123-4567", new Set()); // "Call [phone]"
 * ```
 */
export function scrubFreeText(text: string, knownNames: ReadonlySet<string> | undefined): string {
  let result = text;
  for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
  if (knownNames && knownNames.size > 0) {
    result = result.replace(/[A-Za-z][A-Za-z'-]*/g, (word) => (knownNames.has(word.toLowerCase()) ? "***" : word));
  }
  return result;
}

const isObject = (value: unknown): value is Record<string, any> => typeof value === "object" && value !== null && !Array.isArray(value);
const looksLikeHumanName = (value: Record<string, any>) => "family" in value || "given" in value || ("text" in value && ("use" in value || "prefix" in value));
const looksLikeAddress = (value: Record<string, any>) => "line" in value || "city" in value || "postalCode" in value || "district" in value;
const looksLikeContactPoint = (value: Record<string, any>) => "system" in value && "value" in value && ["phone", "fax", "email", "pager", "url", "sms", "other"].includes(value.system);
const looksLikeAttachment = (value: Record<string, any>) => "contentType" in value || ("data" in value && "url" in value);

/**
 * Applies the negotiated PHI mode to one resource and returns a new one.
 *
 * - `identified`: unchanged, except free text under `drop`.
 * - `limited` (HIPAA limited data set): names, street lines, telecom, identifiers, photos removed; ids pseudonymized; dates kept.
 * - `safe-harbor` (45 CFR 164.514(b)(2)): additionally dates reduced to the year, geography to the state,
 *   ages over 89 aggregated, free text scrubbed or dropped, extension values and `_x` primitive siblings swept.
 *
 * @example
 * ```ts
 * deidentifyResource(patient, { mode: "safe-harbor", freeText: "scrub", registry });
 * ```
 */
export function deidentifyResource<T extends Resource>(resource: T, options: DeidentifyOptions): T {
  if (options.mode === "identified") return options.freeText === "drop" ? (dropFreeText(structuredClone(resource)) as T) : resource;
  const safeHarbor = options.mode === "safe-harbor";
  const currentYear = options.currentYear ?? new Date().getUTCFullYear();
  const pseudonymizeReference = (reference: string): string => {
    const match = /^([A-Z][A-Za-z]+)\/([^/]+)$/.exec(reference);
    if (match) return `${match[1]}/${options.registry.pseudonym(match[1]!, match[2]!)}`;
    return reference.startsWith("#") ? reference : "[reference]";
  };
  // Names in the resource itself are scrubbed from its free text even when the deployment does not know them.
  const names = namesIn(resource, new Set(options.knownNames ?? []));
  const text = (value: string): string => (options.freeText === "keep" && !safeHarbor ? value : scrubFreeText(value, names));

  const walk = (value: unknown, key: string, parent: Record<string, any> | undefined): unknown => {
    if (Array.isArray(value)) {
      const items = value.map((item) => walk(item, key, parent)).filter((item) => item !== undefined);
      return items.length > 0 ? items : undefined;
    }
    if (isObject(value)) {
      if (looksLikeHumanName(value)) return { text: "***" };
      if (typeof value.url === "string" && IDENTIFYING_EXTENSIONS.has(value.url) && Object.keys(value).some((k) => k.startsWith("value"))) return undefined;
      if (looksLikeContactPoint(value)) return undefined;
      if (looksLikeAttachment(value)) return { contentType: value.contentType, title: "[removed]" };
      if (looksLikeAddress(value)) {
        return safeHarbor
          ? { ...(value.state ? { state: value.state } : {}), ...(value.country ? { country: value.country } : {}) }
          : { ...(value.city ? { city: value.city } : {}), ...(value.state ? { state: value.state } : {}), ...(value.postalCode ? { postalCode: value.postalCode } : {}), ...(value.country ? { country: value.country } : {}) };
      }
      const out: Record<string, any> = {};
      for (const [childKey, child] of Object.entries(value)) {
        if (childKey === "identifier" || childKey === "telecom" || childKey === "photo" || childKey === "contact") continue;
        if (childKey === "display" && "reference" in value) continue;
        if (childKey === "reference" && typeof child === "string") {
          out.reference = pseudonymizeReference(child);
          continue;
        }
        if (childKey === "text" && isObject(child) && "div" in child) {
          if (options.freeText === "drop") continue;
          out.text = { status: child.status ?? "generated", div: `<div xmlns="http://www.w3.org/1999/xhtml">${escapeXml(text(stripTags(String(child.div))))}</div>` };
          continue;
        }
        if (FREE_TEXT_KEYS.has(childKey) && options.freeText === "drop") continue;
        const walked = walk(child, childKey, value);
        if (walked !== undefined) out[childKey] = walked;
      }
      return Object.keys(out).length > 0 ? out : undefined;
    }
    if (typeof value === "string") {
      if (key === "display" && parent && "code" in parent && "system" in parent) return value;
      if (key === "system" || key === "url" || key === "code" || key === "resourceType" || key === "profile" || key === "contentType") return value;
      const date = DATE_VALUE.exec(value);
      if (date) {
        if (!safeHarbor) return value;
        if (key === "birthDate" && currentYear - Number(date[1]) > 89) return undefined;
        return date[1];
      }
      if (key === "lotNumber" || key === "serialNumber" || key === "udiCarrier") return undefined;
      return safeHarbor || FREE_TEXT_KEYS.has(key) || key === "text" ? text(value) : value;
    }
    return value;
  };

  const result = walk(resource, "", undefined) as Record<string, any>;
  result.resourceType = resource.resourceType;
  if (resource.id) result.id = options.registry.pseudonym(resource.resourceType, resource.id);
  if (resource.resourceType === "Patient" && safeHarbor && resource.birthDate && currentYear - Number(resource.birthDate.slice(0, 4)) > 89) {
    delete result.birthDate;
    delete result._birthDate;
    result.extension = [...(result.extension ?? []), { url: "http://mcp-verticals.github.io/fhir/StructureDefinition/age-band", valueString: "90+" }];
  }
  if (resource.meta) result.meta = { ...(result.meta ?? {}), security: [...(result.meta?.security ?? []), { system: "http://terminology.hl7.org/CodeSystem/v3-ObservationValue", code: safeHarbor ? "PSEUDED" : "REDACTED" }] };
  else result.meta = { security: [{ system: "http://terminology.hl7.org/CodeSystem/v3-ObservationValue", code: safeHarbor ? "PSEUDED" : "REDACTED" }] };
  return result as T;
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, " ").replace(/&[a-z]+;/g, " ").replace(/\s+/g, " ").trim();
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function dropFreeText(value: any): any {
  if (Array.isArray(value)) return value.map(dropFreeText);
  if (!isObject(value)) return value;
  const out: Record<string, any> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === "text" && isObject(child) && "div" in child) continue;
    if (FREE_TEXT_KEYS.has(key)) continue;
    out[key] = dropFreeText(child);
  }
  return out;
}
