import { ExtensionError } from "@mcp-verticals/core";
import { readFile } from "node:fs/promises";
import type { EducationRecords } from "../backend/store.js";
import { CfPackage } from "../schemas/case.js";

/** Largest CASE package accepted, in bytes. */
export const MAX_CASE_PACKAGE_BYTES = 20 * 1024 * 1024;
/** The CASE 1.1 REST path of a package. */
export const CASE_PACKAGE_PATH = /^\/(?:.*\/)?ims\/case\/v1p1\/CFPackages\/([^/?#]+)$/;

const invalid = (message: string, field = "package") => new ExtensionError("CASE_INVALID", message, { field });

/**
 * Validates a CASE 1.1 CFPackage and returns it whole (every property kept, extensions
 * included): CFDocument, CFItems, CFAssociations and CFDefinitions, with identifiers unique
 * within each list.
 *
 * @example
 * ```ts
 * const pkg = parseCasePackage(JSON.parse(text));
 * pkg.CFDefinitions?.CFItemTypes?.length;
 * ```
 * @throws ExtensionError `CASE_INVALID` naming the path of the first problem.
 * @category CASE
 */
export function parseCasePackage(input: unknown): CfPackage {
  const parsed = CfPackage.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join(".") || "package";
    throw invalid(`the CASE package is not valid CASE 1.1 at ${path}`, path);
  }
  const pkg = parsed.data;
  const lists: [string, { identifier: string }[] | undefined][] = [
    ["CFItems", pkg.CFItems],
    ["CFAssociations", pkg.CFAssociations],
    ["CFDefinitions.CFConcepts", pkg.CFDefinitions?.CFConcepts],
    ["CFDefinitions.CFSubjects", pkg.CFDefinitions?.CFSubjects],
    ["CFDefinitions.CFLicenses", pkg.CFDefinitions?.CFLicenses],
    ["CFDefinitions.CFItemTypes", pkg.CFDefinitions?.CFItemTypes],
    ["CFDefinitions.CFAssociationGroupings", pkg.CFDefinitions?.CFAssociationGroupings],
  ];
  for (const [name, list] of lists) {
    const seen = new Set<string>();
    for (const [index, entry] of (list ?? []).entries()) {
      if (seen.has(entry.identifier)) throw invalid(`${name} repeats an identifier`, `${name}.${index}.identifier`);
      seen.add(entry.identifier);
    }
  }
  return pkg;
}

function parseJson(text: string, field: string): unknown {
  if (Buffer.byteLength(text, "utf8") > MAX_CASE_PACKAGE_BYTES) throw invalid(`the CASE package exceeds ${MAX_CASE_PACKAGE_BYTES} bytes`, field);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid("the CASE package is not JSON", field);
  }
}

/**
 * Reads a CASE 1.1 CFPackage JSON file.
 *
 * @example
 * ```ts
 * const pkg = await readCasePackageFile("./frameworks/math.json");
 * ```
 * @throws ExtensionError `CASE_INVALID` for unreadable, oversized or invalid files.
 * @category CASE
 */
export async function readCasePackageFile(path: string): Promise<CfPackage> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw invalid("the CASE package file cannot be read", "file");
  }
  return parseCasePackage(parseJson(text, "file"));
}

/** Options for {@link fetchCasePackage}. */
export interface FetchCasePackageOptions {
  /** Origins (`https://case.example.org`) packages may be fetched from; nothing else is contacted. */
  allowedOrigins: readonly string[];
  /** Optional OAuth 2 bearer token for providers that require one. */
  bearerToken?: string;
  timeoutMs?: number;
}

/**
 * Fetches a package from a CASE 1.1 provider at `{base}/ims/case/v1p1/CFPackages/{id}`.
 * Only allowlisted origins are contacted, redirects are refused and the body is bounded,
 * so a model cannot point the server at an arbitrary host.
 *
 * @example
 * ```ts
 * const pkg = await fetchCasePackage("https://case.example.org/ims/case/v1p1/CFPackages/9e1b…", { allowedOrigins: ["https://case.example.org"] });
 * ```
 * @throws ExtensionError `CASE_PROVIDER_NOT_ALLOWED`, `CASE_NOT_FOUND`, `CASE_PROVIDER_FAILED` or `CASE_INVALID`.
 * @category CASE
 */
export async function fetchCasePackage(url: string, options: FetchCasePackageOptions): Promise<CfPackage> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw invalid("url must be an absolute URL", "url");
  }
  if (target.protocol !== "https:" && target.protocol !== "http:") throw invalid("url must be http(s)", "url");
  if (!CASE_PACKAGE_PATH.test(target.pathname) || target.search !== "" || target.hash !== "") throw invalid("url must be a CASE 1.1 package URL ending in /ims/case/v1p1/CFPackages/{identifier}", "url");
  const allowed = options.allowedOrigins.map((origin) => new URL(origin).origin);
  if (!allowed.includes(target.origin)) {
    throw new ExtensionError("CASE_PROVIDER_NOT_ALLOWED", "this CASE provider is not configured on the server; an operator must add its origin to the allowed CASE providers", { field: "url" });
  }
  let response: Response;
  try {
    response = await fetch(target, {
      headers: { Accept: "application/json", ...(options.bearerToken ? { Authorization: `Bearer ${options.bearerToken}` } : {}) },
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch {
    throw new ExtensionError("CASE_PROVIDER_FAILED", "the CASE provider could not be reached", { field: "url" });
  }
  if (response.status === 404) throw new ExtensionError("CASE_NOT_FOUND", "the CASE provider has no package with this identifier", { field: "url" });
  if (response.status !== 200) throw new ExtensionError("CASE_PROVIDER_FAILED", `the CASE provider answered HTTP ${response.status}`, { field: "url" });
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += (chunk as Uint8Array).byteLength;
    if (size > MAX_CASE_PACKAGE_BYTES) throw invalid(`the CASE package exceeds ${MAX_CASE_PACKAGE_BYTES} bytes`, "url");
    chunks.push(chunk as Uint8Array);
  }
  return parseCasePackage(parseJson(Buffer.concat(chunks).toString("utf8"), "url"));
}

/** What {@link importCasePackage} stored. */
export interface CaseImportReport {
  frameworkId: string;
  title: string;
  items: number;
  associations: number;
  definitions: number;
  replaced: boolean;
}

/**
 * Stores a validated package (replacing the framework with the same CFDocument identifier).
 *
 * @example
 * ```ts
 * importCasePackage(store, await readCasePackageFile("./math.json")).items; // 120
 * ```
 * @category CASE
 */
export function importCasePackage(store: EducationRecords, pkg: CfPackage): CaseImportReport {
  const replaced = store.listCasePackages().some((existing) => existing.CFDocument.identifier === pkg.CFDocument.identifier);
  store.putCasePackage(pkg);
  const d = pkg.CFDefinitions;
  return {
    frameworkId: pkg.CFDocument.identifier,
    title: pkg.CFDocument.title,
    items: pkg.CFItems.length,
    associations: pkg.CFAssociations.length,
    definitions: (d?.CFConcepts?.length ?? 0) + (d?.CFSubjects?.length ?? 0) + (d?.CFLicenses?.length ?? 0) + (d?.CFItemTypes?.length ?? 0) + (d?.CFAssociationGroupings?.length ?? 0),
    replaced,
  };
}
