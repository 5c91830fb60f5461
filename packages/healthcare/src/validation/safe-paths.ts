import type { PhiMode } from "../schemas/settings.js";
import type { ValidationIssue } from "./validate.js";

/** Issues whose last path segment is a name the client made up (an unknown element or resource type). */
const CLIENT_NAMED = new Set(["unknown element", "this resource type is not validated in depth by this server"]);

/**
 * Replaces names the client made up (unknown element keys, unknown resource types) in issue
 * paths by a keyed fingerprint `~<hex>` outside identified mode, so a validation result never
 * echoes client text into a de-identified session.
 *
 * @example
 * ```ts
 * withSafePaths(issues, "safe-harbor", fingerprint); // "Patient.JohnSmith" → "Patient.~3f9a0c1b22de"
 * ```
 */
export function withSafePaths(issues: readonly ValidationIssue[], mode: PhiMode, fingerprint: (value: string) => string): ValidationIssue[] {
  if (mode === "identified") return [...issues];
  return issues.map((issue) => {
    if (!CLIENT_NAMED.has(issue.message)) return issue;
    const cut = issue.path.lastIndexOf(".");
    const head = cut === -1 ? "" : issue.path.slice(0, cut + 1);
    return { ...issue, path: `${head}~${fingerprint(issue.path.slice(cut + 1))}` };
  });
}
