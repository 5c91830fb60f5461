import { ExtensionError } from "@mcp-verticals/core";

/** One parsed SMART scope (v2 `patient/Observation.rs?category=laboratory`, v1 `user/*.read` upgraded). */
export interface SmartScope {
  context: "patient" | "user" | "system";
  /** A resource type, or `*`. */
  resourceType: string;
  /** Granted interactions: c(reate) r(ead) u(pdate) d(elete) s(earch). */
  interactions: Set<"c" | "r" | "u" | "d" | "s">;
  /** Granular constraints, e.g. `{ category: "laboratory" }`. */
  constraints: Record<string, string>;
  raw: string;
}

const SCOPE = /^(patient|user|system)\/(\*|[A-Z][A-Za-z]+)\.(\*|read|write|c?r?u?d?s?)(\?.*)?$/;

/**
 * Parses SMART App Launch scopes (v2 grammar; v1 `read`/`write`/`*` mapped to v2 letters).
 * Non-resource scopes (`openid`, `launch/patient`, `offline_access`) are skipped.
 *
 * @example
 * ```ts
 * parseSmartScopes(["patient/Observation.rs?category=laboratory"])[0]?.constraints; // { category: "laboratory" }
 * ```
 */
export function parseSmartScopes(scopes: readonly string[]): SmartScope[] {
  const parsed: SmartScope[] = [];
  for (const raw of scopes) {
    const match = SCOPE.exec(raw.trim());
    if (!match) continue;
    const [, context, resourceType, permissions, query] = match;
    const letters = permissions === "*" ? "cruds" : permissions === "read" ? "rs" : permissions === "write" ? "cud" : permissions!;
    if (letters.length === 0) continue;
    const constraints: Record<string, string> = {};
    for (const [key, value] of new URLSearchParams(query?.slice(1) ?? "")) constraints[key] = value;
    parsed.push({ context: context as SmartScope["context"], resourceType: resourceType!, interactions: new Set(letters.split("") as never), constraints, raw });
  }
  return parsed;
}

/** Whether a token value `system|code` or `code` satisfies a scope constraint value. */
function tokenSatisfies(constraint: string, values: string[]): boolean {
  const [system, code] = constraint.includes("|") ? constraint.split("|", 2) : [undefined, constraint];
  return values.some((value) => {
    const [valueSystem, valueCode] = value.includes("|") ? value.split("|", 2) : [undefined, value];
    return valueCode === code && (system === undefined || valueSystem === undefined || valueSystem === system);
  });
}

/** Scopes that grant one interaction on one type. */
export function grantingScopes(scopes: readonly SmartScope[], resourceType: string, interaction: "c" | "r" | "u" | "d" | "s"): SmartScope[] {
  return scopes.filter((scope) => (scope.resourceType === "*" || scope.resourceType === resourceType) && scope.interactions.has(interaction));
}

/**
 * Requires a scope for an interaction; returns the granting scopes. Throws `SCOPE_DENIED` naming no content.
 *
 * @example
 * ```ts
 * requireScope(parseSmartScopes(["patient/*.rs"]), "Observation", "s");
 * ```
 */
export function requireScope(scopes: readonly SmartScope[], resourceType: string, interaction: "c" | "r" | "u" | "d" | "s"): SmartScope[] {
  const granting = grantingScopes(scopes, resourceType, interaction);
  if (granting.length === 0) {
    throw new ExtensionError("SCOPE_DENIED", `no granted SMART scope allows '${interaction}' on ${resourceType}`, { field: "resourceType" });
  }
  return granting;
}

/** Whether a resource satisfies at least one granting scope's constraints (e.g. `category=laboratory`). */
export function resourceWithinScopes(granting: readonly SmartScope[], resource: Record<string, any>): boolean {
  return granting.some((scope) =>
    Object.entries(scope.constraints).every(([name, constraint]) => {
      const element = name === "category" ? resource.category : name === "code" ? resource.code : name === "status" ? resource.status : resource[name];
      const values: string[] = [];
      for (const item of Array.isArray(element) ? element : element === undefined ? [] : [element]) {
        if (typeof item === "string") values.push(item);
        else for (const coding of item?.coding ?? []) values.push(`${coding.system}|${coding.code}`);
      }
      return tokenSatisfies(constraint, values);
    }),
  );
}
