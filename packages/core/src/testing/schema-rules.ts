import { isDeepStrictEqual } from "node:util";

/** A JSON Schema node, as zod and the SDK emit them. */
type SchemaNode = Record<string, unknown>;

/**
 * Paths of the fields in a JSON Schema that carry no `description`: every property of every
 * object, nested objects and the items of arrays of objects included (what the docs list and
 * what a model reads to fill arguments).
 */
export function undescribedFields(schema: unknown, path = ""): string[] {
  const missing: string[] = [];
  const visit = (node: unknown, at: string): void => {
    if (node === null || typeof node !== "object") return;
    const current = node as SchemaNode;
    const properties = current.properties as Record<string, SchemaNode> | undefined;
    if (properties && typeof properties === "object") {
      for (const [name, property] of Object.entries(properties)) {
        const field = at ? `${at}.${name}` : name;
        if (!hasDescription(property)) missing.push(field);
        visit(property, field);
      }
    }
    if (current.items && typeof current.items === "object") visit(current.items, `${at}[]`);
    for (const key of ["anyOf", "oneOf", "allOf"] as const) {
      const branches = current[key];
      if (Array.isArray(branches)) for (const branch of branches) visit(branch, at);
    }
    if (current.additionalProperties && typeof current.additionalProperties === "object") visit(current.additionalProperties, `${at}{}`);
  };
  visit(schema, path);
  return missing;
}

/** A field is described on itself or, for a nullable/union field, on every branch. */
function hasDescription(node: SchemaNode): boolean {
  if (typeof node.description === "string" && node.description.trim() !== "") return true;
  const branches = (node.anyOf ?? node.oneOf) as SchemaNode[] | undefined;
  return Array.isArray(branches) && branches.length > 0 && branches.every((branch) => typeof branch.description === "string" && branch.description.trim() !== "");
}

/**
 * Why a successful result's `text` is not a human summary, or `undefined` when it is: text that
 * parses as the structured content itself, or as any JSON object or array, hands the model the
 * data twice (once in structuredContent) instead of a sentence a person can read.
 */
export function textSummaryProblem(text: string, structured: unknown): string | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (isDeepStrictEqual(parsed, structured)) return "text is the JSON of structuredContent; render a human summary";
  return "text is a JSON document; render a human summary (the data is in structuredContent)";
}

/** The serialized size of a `tools/list` answer, in bytes (UTF-8), as a client receives it. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

/** The default tools/list budget of the conformance kit: 12 KB. */
export const DEFAULT_TOOLS_LIST_BUDGET_BYTES = 12 * 1024;
