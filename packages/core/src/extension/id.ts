/**
 * The vendor prefix every mcp-verticals extension id uses. One constant, so no
 * package spells it differently.
 * @category Extension
 */
export const VENDOR_PREFIX = "io.github.mcp-verticals";

/**
 * The extension id of a vertical published by this project, e.g. `io.github.mcp-verticals/finance`.
 *
 * @example
 * ```ts
 * verticalExtensionId("finance"); // "io.github.mcp-verticals/finance"
 * ```
 * @category Extension
 */
export function verticalExtensionId<Name extends string>(name: Name): `${typeof VENDOR_PREFIX}/${Name}` {
  const id = `${VENDOR_PREFIX}/${name}` as const;
  assertExtensionId(id);
  return id;
}

// SEP-2133 reuses the `_meta` key grammar with a mandatory prefix.
const LABEL = "[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?";
const PREFIX = `${LABEL}(?:\\.${LABEL})*`;
const NAME = "[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?";
const ID_PATTERN = new RegExp(`^(${PREFIX})/(${NAME})$`);
const RESERVED_SECOND_LABELS = new Set(["modelcontextprotocol", "mcp"]);

/**
 * Why an extension id is not acceptable, or `undefined` when it is.
 *
 * @example
 * ```ts
 * extensionIdProblem("io.modelcontextprotocol/ui"); // "the prefix io.modelcontextprotocol is reserved ..."
 * ```
 * @category Extension
 */
export function extensionIdProblem(id: string): string | undefined {
  const match = ID_PATTERN.exec(id);
  if (!match) {
    return "an extension id is `{vendor-prefix}/{name}`: dot-separated labels that start with a letter and end with a letter or digit, a slash, then a name that starts and ends with a letter or digit";
  }
  const labels = match[1]!.split(".");
  const second = labels[1]?.toLowerCase();
  if (second !== undefined && RESERVED_SECOND_LABELS.has(second)) {
    return `the prefix ${match[1]} is reserved by the MCP specification (second label "${labels[1]}")`;
  }
  return undefined;
}

/**
 * Throws a `TypeError` naming the problem when `id` is not a valid, unreserved extension id.
 *
 * @example
 * ```ts
 * assertExtensionId("com.example/weather"); // ok
 * ```
 * @category Extension
 */
export function assertExtensionId(id: string): void {
  const problem = extensionIdProblem(id);
  if (problem) throw new TypeError(`Invalid extension id "${id}": ${problem}.`);
}
