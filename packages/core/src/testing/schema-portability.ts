import { BOOLEAN_SCHEMA_KEYWORDS } from "../extension/portable-schema.js";

/**
 * A schema portability problem: the kinds MCP Inspector's `--strict` tools/list check reports
 * (`boolean-schema`, `type-union`, `remote-ref`, `untyped-schema`).
 * @category Testing
 */
export interface SchemaPortabilityFinding {
  /** Which problem. */
  rule: "boolean-schema" | "type-union" | "remote-ref" | "untyped-schema";
  /** Where, as a path from the schema's root (`""` is the root), e.g. `properties.cells.items.properties.mean`. */
  path: string;
  /** What to write instead. */
  fix: string;
}

const SINGLE = ["items", "contains", "not", "propertyNames", "if", "then", "else", "additionalProperties", "unevaluatedProperties", "additionalItems", "unevaluatedItems", "contentSchema"];
const LISTS = ["allOf", "anyOf", "oneOf", "prefixItems"];
const MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies"];

/** Keywords that constrain an instance (assertions, applicators, references); `if` counts only with `then`/`else`. */
const CONSTRAINING = new Set([
  ...["type", "enum", "const", "required", "dependentRequired", "format", "contentMediaType", "contentEncoding", "contentSchema"],
  ...["multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern"],
  ...["maxItems", "minItems", "uniqueItems", "maxContains", "minContains", "maxProperties", "minProperties"],
  ...["allOf", "anyOf", "oneOf", "not", "items", "prefixItems", "contains", "additionalItems", "unevaluatedItems"],
  ...["properties", "patternProperties", "additionalProperties", "unevaluatedProperties", "propertyNames", "dependentSchemas", "dependencies"],
  ...["$ref", "$dynamicRef", "$recursiveRef"],
]);

const FREE_FORM = 'declare what the value is, e.g. {"type": "object", "additionalProperties": true} for a free-form object (zod: z.record(z.string(), z.unknown()))';

/**
 * The portability problems of one JSON Schema (a tool's `inputSchema` or `outputSchema` as
 * listed): a bare boolean where a schema object is expected (allowed only as the value of
 * `additionalProperties`, `unevaluatedProperties`, `additionalItems`, `unevaluatedItems`), a
 * `type` array, a `$ref` outside the document, and a schema object that constrains nothing
 * (except directly under `not`, where `{}` is the portable spelling of "never").
 *
 * @example
 * ```ts
 * schemaPortabilityFindings({ type: "object", properties: { mean: { type: ["number", "null"] } } });
 * // → [{ rule: "type-union", path: "properties.mean", fix: "…" }]
 * ```
 * @category Testing
 */
export function schemaPortabilityFindings(schema: unknown): SchemaPortabilityFinding[] {
  const findings: SchemaPortabilityFinding[] = [];
  const embeddedIds = declaresId(schema);
  const visit = (node: unknown, path: string, keyword: string | undefined, depth: number): void => {
    if (depth > 64) return;
    if (typeof node === "boolean") {
      if (keyword === undefined || !BOOLEAN_SCHEMA_KEYWORDS.has(keyword)) {
        findings.push({ rule: "boolean-schema", path, fix: node ? (keyword === "not" ? "write {} under not" : FREE_FORM) : 'write {"not": {}} (a property that must be absent)' });
      }
      return;
    }
    if (!isObject(node)) return;
    if (Array.isArray(node.type)) {
      findings.push({ rule: "type-union", path, fix: `write {"anyOf": [${node.type.map((type) => JSON.stringify({ type })).join(", ")}]} (zod's .nullable() on a primitive emits the array form)` });
    }
    if (typeof node.$ref === "string" && node.$ref !== "" && !node.$ref.startsWith("#") && !embeddedIds) {
      findings.push({ rule: "remote-ref", path, fix: "inline the referenced schema, or put it under $defs and write #/$defs/<name>" });
    }
    if (keyword !== "not" && !constrains(node)) findings.push({ rule: "untyped-schema", path, fix: FREE_FORM });
    forEachChild(node, path, (child, childPath, childKeyword) => visit(child, childPath, childKeyword, depth + 1));
  };
  visit(schema, "", undefined, 0);
  return findings;
}

function forEachChild(node: Record<string, unknown>, path: string, visit: (child: unknown, path: string, keyword: string) => void): void {
  for (const key of MAPS) {
    const map = node[key];
    if (isObject(map)) for (const [name, child] of Object.entries(map)) visit(child, join(join(path, key), name), key);
  }
  for (const key of LISTS) {
    const list = node[key];
    if (Array.isArray(list)) list.forEach((child, index) => visit(child, `${join(path, key)}[${index}]`, key));
  }
  for (const key of SINGLE) {
    if (!(key in node)) continue;
    const value = node[key];
    if (key === "items" && Array.isArray(value)) value.forEach((child, index) => visit(child, `${join(path, key)}[${index}]`, key));
    else visit(value, join(path, key), key);
  }
}

function constrains(node: Record<string, unknown>): boolean {
  return Object.keys(node).some((key) => CONSTRAINING.has(key)) || ("if" in node && ("then" in node || "else" in node));
}

function declaresId(node: unknown, depth = 0): boolean {
  if (depth > 64 || !isObject(node)) return false;
  if (typeof node.$id === "string" && node.$id !== "") return true;
  let found = false;
  forEachChild(node, "", (child) => {
    found ||= declaresId(child, depth + 1);
  });
  return found;
}

function join(parent: string, key: string): string {
  const segment = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
  if (segment !== key) return `${parent}[${segment}]`;
  return parent === "" ? key : `${parent}.${key}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
