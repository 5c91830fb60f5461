import type { ValidationIssue } from "./validate.js";

/**
 * The rules of an R4 Bundle that its element table cannot express: the `bdl-*` invariants,
 * the `fullUrl` rules, `entry.request` for batches and transactions, and references that must
 * resolve inside the bundle (https://hl7.org/fhir/R4/bundle.html).
 */

const UUID_URN = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const OID_URN = /^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$/;
const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\/[^\s]+$/i;
/** `[base]/Type/id` at the end of a RESTful URL. */
const RESTFUL_TAIL = /\/([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;

type Entry = { fullUrl?: unknown; resource?: any; request?: any; response?: any; search?: unknown };

const issue = (code: ValidationIssue["code"], path: string, message: string): ValidationIssue => ({ severity: "error", code, path, message });

/** Every literal reference inside a value, with its path relative to it (contained `#x` references excluded). */
function referencesIn(value: unknown, path: string, out: { path: string; reference: string }[], depth = 0): void {
  // Nested bundles are checked at their own level; the element walk is bounded like the validator's.
  if (depth > 64) return;
  if (Array.isArray(value)) value.forEach((item, index) => referencesIn(item, `${path}[${index}]`, out, depth + 1));
  else if (typeof value === "object" && value !== null) {
    if ((value as { resourceType?: unknown }).resourceType === "Bundle" && depth > 0) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === "reference" && typeof child === "string" && !child.startsWith("#")) out.push({ path: `${path}.reference`, reference: child });
      else if (typeof child === "object") referencesIn(child, `${path}.${key}`, out, depth + 1);
    }
  }
}

/**
 * Resolves a reference inside the bundle (R4 §2.36.4.1): a urn or absolute URL matches a
 * `fullUrl`; a relative `Type/id` resolves against the RESTful base of the referring entry's
 * `fullUrl`, or, without one, against an entry holding that `Type/id`.
 */
function resolves(reference: string, from: string | undefined, fullUrls: Set<string>, typedIds: Set<string>): boolean {
  if (reference.startsWith("urn:") || ABSOLUTE_URL.test(reference)) return fullUrls.has(reference.replace(/\/_history\/[^/]+$/, ""));
  const relative = reference.replace(/\/_history\/[^/]+$/, "");
  const base = from && ABSOLUTE_URL.test(from) ? from.replace(RESTFUL_TAIL, "") : undefined;
  if (base && base !== from) return fullUrls.has(`${base}/${relative}`);
  return typedIds.has(relative);
}

/**
 * Checks the Bundle rules the element table cannot express; the caller validates each entry's
 * resource by its own type.
 *
 * @example
 * ```ts
 * bundleRuleIssues({ resourceType: "Bundle", type: "collection", total: 1 }); // bdl-1
 * ```
 */
export function bundleRuleIssues(bundle: Record<string, any>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const type = bundle.type;
  const entries: Entry[] = Array.isArray(bundle.entry) ? bundle.entry.filter((entry: unknown) => typeof entry === "object" && entry !== null) : [];
  if (bundle.total !== undefined && type !== "searchset" && type !== "history") issues.push(issue("invariant", "Bundle.total", "bdl-1: total only when a search or history"));
  if (type === "document") {
    if (typeof bundle.identifier?.system !== "string" || typeof bundle.identifier?.value !== "string") issues.push(issue("invariant", "Bundle.identifier", "bdl-9: a document must have an identifier with a system and a value"));
    if (typeof bundle.timestamp !== "string") issues.push(issue("invariant", "Bundle.timestamp", "bdl-10: a document must have a date"));
    if (entries[0]?.resource?.resourceType !== "Composition") issues.push(issue("invariant", "Bundle.entry[0]", "bdl-11: a document must have a Composition as the first resource"));
  }
  if (type === "message" && entries[0]?.resource?.resourceType !== "MessageHeader") issues.push(issue("invariant", "Bundle.entry[0]", "bdl-12: a message must have a MessageHeader as the first resource"));

  const needsRequest = type === "batch" || type === "transaction" || type === "history";
  const needsResponse = type === "batch-response" || type === "transaction-response" || type === "history";
  const fullUrls = new Set<string>();
  const typedIds = new Set<string>();
  const seen = new Map<string, Set<string | undefined>>();
  entries.forEach((entry, index) => {
    const path = `Bundle.entry[${index}]`;
    const resource = entry.resource;
    if (entry.search !== undefined && type !== "searchset") issues.push(issue("invariant", `${path}.search`, "bdl-2: entry.search only when a search"));
    if (needsRequest && entry.request === undefined) issues.push(issue("invariant", `${path}.request`, "bdl-3: entry.request is mandatory for batch, transaction and history bundles"));
    if (!needsRequest && entry.request !== undefined) issues.push(issue("invariant", `${path}.request`, "bdl-3: entry.request is only allowed in batch, transaction and history bundles"));
    if (needsResponse && entry.response === undefined) issues.push(issue("invariant", `${path}.response`, "bdl-4: entry.response is mandatory for batch-response, transaction-response and history bundles"));
    if (!needsResponse && entry.response !== undefined) issues.push(issue("invariant", `${path}.response`, "bdl-4: entry.response is only allowed in batch-response, transaction-response and history bundles"));
    if (resource === undefined && entry.request === undefined && entry.response === undefined) issues.push(issue("invariant", `${path}.resource`, "bdl-5: an entry must have a resource unless it has a request or a response"));

    const fullUrl = typeof entry.fullUrl === "string" ? entry.fullUrl : undefined;
    if (fullUrl !== undefined) {
      if (fullUrl.includes("/_history/")) issues.push(issue("invariant", `${path}.fullUrl`, "bdl-8: fullUrl cannot be a version-specific reference"));
      if (fullUrl.startsWith("urn:uuid:")) {
        if (!UUID_URN.test(fullUrl)) issues.push(issue("value", `${path}.fullUrl`, "a urn:uuid fullUrl must be urn:uuid: followed by a lower-case RFC 4122 UUID"));
      } else if (fullUrl.startsWith("urn:oid:")) {
        if (!OID_URN.test(fullUrl)) issues.push(issue("value", `${path}.fullUrl`, "a urn:oid fullUrl must be urn:oid: followed by a dotted OID"));
      } else if (!ABSOLUTE_URL.test(fullUrl)) {
        issues.push(issue("value", `${path}.fullUrl`, "fullUrl must be an absolute URL, a urn:uuid or a urn:oid"));
      } else if (typeof resource?.id === "string") {
        // fullUrl SHALL NOT disagree with the id in the resource.
        const tail = RESTFUL_TAIL.exec(fullUrl);
        if (tail && (tail[1] !== resource.resourceType || tail[2] !== resource.id)) issues.push(issue("value", `${path}.fullUrl`, "fullUrl disagrees with the resource's type and id"));
      }
      if (type !== "history") {
        const versions = seen.get(fullUrl) ?? new Set<string | undefined>();
        const version = typeof resource?.meta?.versionId === "string" ? resource.meta.versionId : undefined;
        if (versions.has(version)) issues.push(issue("invariant", `${path}.fullUrl`, "bdl-7: fullUrl must be unique in a bundle, or else entries with the same fullUrl must have different meta.versionId"));
        versions.add(version);
        seen.set(fullUrl, versions);
      }
      fullUrls.add(fullUrl);
    }
    if (typeof resource?.resourceType === "string" && typeof resource.id === "string") typedIds.add(`${resource.resourceType}/${resource.id}`);

    const request = entry.request;
    if ((type === "batch" || type === "transaction") && typeof request === "object" && request !== null && typeof request.method === "string" && typeof request.url === "string") {
      const method = request.method;
      const url: string = request.url;
      if (ABSOLUTE_URL.test(url)) issues.push(issue("value", `${path}.request.url`, "request.url is relative to the server base (e.g. Patient or Patient/123)"));
      if ((method === "POST" || method === "PUT") && resource === undefined) issues.push(issue("required", `${path}.resource`, `a ${method} entry needs a resource`));
      if ((method === "GET" || method === "DELETE" || method === "HEAD") && resource !== undefined) issues.push(issue("structure", `${path}.resource`, `a ${method} entry carries no resource`));
      if (method === "POST" && resource !== undefined && !url.includes("$") && url.split("?")[0] !== resource.resourceType) issues.push(issue("value", `${path}.request.url`, "a POST entry's url is the resource type it creates"));
      if (method === "PUT" && resource !== undefined) {
        const [target] = url.split("?");
        const [urlType, urlId] = target!.split("/");
        if (urlType !== resource.resourceType || (urlId !== undefined && resource.id !== undefined && urlId !== resource.id)) issues.push(issue("value", `${path}.request.url`, "a PUT entry's url must name the resource's type (and id)"));
      }
    }
  });

  // References that can only resolve here: urns always; and, in a document, every reference the Composition makes.
  entries.forEach((entry, index) => {
    if (typeof entry.resource !== "object" || entry.resource === null) return;
    const found: { path: string; reference: string }[] = [];
    referencesIn(entry.resource, `Bundle.entry[${index}].resource`, found);
    const from = typeof entry.fullUrl === "string" ? entry.fullUrl : undefined;
    for (const { path, reference } of found) {
      const mustResolve = reference.startsWith("urn:uuid:") || reference.startsWith("urn:oid:") || (type === "document" && index === 0);
      if (mustResolve && !resolves(reference, from, fullUrls, typedIds)) {
        issues.push(issue("not-found", path, type === "document" && index === 0 ? "a reference of the document's Composition must resolve to an entry of the bundle" : "a urn reference must resolve to an entry's fullUrl in the bundle"));
      }
    }
  });
  return issues;
}
