import type { z } from "zod";

/**
 * The first validation issue as a dotted field path and a message that never echoes the
 * rejected value (zod's messages name types and keys, not values). An unknown key is
 * named in the path itself, so callers can branch on the exact key.
 */
export function describeIssues(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  if (!issue) return { field: "", message: "invalid value" };
  const path: PropertyKey[] = [...issue.path];
  if (issue.code === "unrecognized_keys" && issue.keys.length > 0) path.push(issue.keys[0]!);
  const field = path.map((part) => (typeof part === "number" ? `[${part}]` : String(part))).join(".").replace(/\.\[/g, "[");
  const extra = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more issue${error.issues.length > 2 ? "s" : ""})` : "";
  return { field, message: `${issue.message}${extra}` };
}
