import type { z } from "zod";

/**
 * The first validation issue as a dotted field path and a message that never echoes the
 * rejected value (zod's messages name types and keys, not values).
 */
export function describeIssues(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  if (!issue) return { field: "", message: "invalid value" };
  const field = issue.path.map((part) => (typeof part === "number" ? `[${part}]` : String(part))).join(".").replace(/\.\[/g, "[");
  const extra = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more issue${error.issues.length > 2 ? "s" : ""})` : "";
  return { field, message: `${issue.message}${extra}` };
}
