import type { StandardSchemaWithJSON } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { JsonSchema } from "./json-schema.js";

/** Keywords whose value is one subschema. */
const SINGLE_SCHEMA_KEYWORDS = [
  "items",
  "contains",
  "not",
  "propertyNames",
  "if",
  "then",
  "else",
  "additionalProperties",
  "unevaluatedProperties",
  "additionalItems",
  "unevaluatedItems",
  "contentSchema",
] as const;

/** Keywords whose value is an array of subschemas. */
const SCHEMA_ARRAY_KEYWORDS = ["allOf", "anyOf", "oneOf", "prefixItems"] as const;

/** Keywords whose value maps names to subschemas. */
const SCHEMA_MAP_KEYWORDS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies"] as const;

/**
 * Keywords where portable linters (MCP Inspector's `--strict`) accept a bare boolean schema:
 * there `true` is the idiomatic "anything else is allowed".
 */
export const BOOLEAN_SCHEMA_KEYWORDS: ReadonlySet<string> = new Set(["additionalProperties", "unevaluatedProperties", "additionalItems", "unevaluatedItems"]);

/** Keywords that only annotate: a schema made of these alone accepts every instance. */
const ANNOTATION_KEYWORDS = new Set(["title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly", "$comment"]);

/**
 * The portable, lean form of a JSON Schema 2020-12 document: accepts exactly the instances the
 * input accepts, in a shape every MCP client reads. `$schema` is dropped at the root (2020-12 is
 * MCP's default dialect, so the key only costs bytes in every tools/list entry); an always-true
 * subschema (`{}`, or annotations only) under `additionalProperties`/`unevaluatedProperties`/
 * `additionalItems`/`unevaluatedItems` becomes `true`; a `type` array becomes an `anyOf` of single
 * types (sibling keywords stay where they are: each applies only to its own instance type, so the
 * meaning is unchanged). Data (`const`, `enum`, `default`, `examples`) is never rewritten. What the
 * normalisation cannot fix (a property with no type at all, a bare boolean schema) is left for the
 * conformance kit's `schema.portable` rule to report.
 *
 * @example
 * ```ts
 * portableJsonSchema({ $schema: "https://json-schema.org/draft/2020-12/schema", type: ["number", "null"] });
 * // → { anyOf: [{ type: "number" }, { type: "null" }] }
 * ```
 * @category Extension
 */
export function portableJsonSchema(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, ...rest } = schema;
  return normaliseNode(rest) as JsonSchema;
}

function normaliseNode(node: unknown): unknown {
  if (node === null || typeof node !== "object" || Array.isArray(node)) return node;
  const source = node as JsonSchema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(source)) {
    if ((SINGLE_SCHEMA_KEYWORDS as readonly string[]).includes(key)) {
      // `items` as an array is the pre-2020 tuple form: each entry is a schema.
      const normalised = Array.isArray(value) ? value.map(normaliseNode) : normaliseNode(value);
      out[key] = BOOLEAN_SCHEMA_KEYWORDS.has(key) && acceptsEverything(normalised) ? true : normalised;
    } else if ((SCHEMA_ARRAY_KEYWORDS as readonly string[]).includes(key) && Array.isArray(value)) {
      out[key] = value.map(normaliseNode);
    } else if ((SCHEMA_MAP_KEYWORDS as readonly string[]).includes(key) && isPlainObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, normaliseNode(schema)]));
    } else {
      out[key] = value;
    }
  }
  return Array.isArray(out.type) ? withoutTypeArray(out, out.type) : out;
}

/** `type: [A, B]` → `anyOf: [{type: A}, {type: B}]`, in the place `type` had. */
function withoutTypeArray(node: JsonSchema, types: unknown[]): JsonSchema {
  const distinct = [...new Set(types)];
  if (distinct.length === 0) return node;
  if (distinct.length === 1) return { ...node, type: distinct[0] };
  const branches = distinct.map((type) => ({ type }));
  if (node.anyOf !== undefined) {
    // The existing anyOf must hold too: the type alternatives join an allOf beside it.
    const { type: _types, ...rest } = node;
    return { ...rest, allOf: [...(Array.isArray(node.allOf) ? node.allOf : []), { anyOf: branches }] };
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => (key === "type" ? ["anyOf", branches] : [key, value])));
}

function acceptsEverything(schema: unknown): boolean {
  if (schema === true) return true;
  return isPlainObject(schema) && Object.keys(schema).every((key) => ANNOTATION_KEYWORDS.has(key));
}

function isPlainObject(value: unknown): value is JsonSchema {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Converted schemas per zod schema: servers built per request must not convert again. */
const converted = new WeakMap<z.ZodType, { input?: JsonSchema; output?: JsonSchema }>();

/**
 * The portable JSON Schema (see {@link portableJsonSchema}) of a zod schema, as core lists it for a
 * tool's input (`io: "input"`) or output (`io: "output"`). Cached per schema; the result is frozen.
 *
 * @example
 * ```ts
 * const listed = portableToolSchema(z.object({ mean: z.number().nullable() }), "output");
 * ```
 * @category Extension
 */
export function portableToolSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  let entry = converted.get(schema);
  if (!entry) {
    entry = {};
    converted.set(schema, entry);
  }
  return (entry[io] ??= deepFreeze(portableJsonSchema(z.toJSONSchema(schema, { io, target: "draft-2020-12" }) as JsonSchema)));
}

/**
 * A zod schema as the SDK's `registerTool` takes it, validating with zod and converting to the
 * portable JSON Schema core lists. Each conversion hands out a copy, so no caller can alter the cache.
 */
export function asPortableStandardSchema<Schema extends z.ZodType>(schema: Schema): StandardSchemaWithJSON<z.input<Schema>, z.output<Schema>> {
  const standard = schema["~standard"];
  return {
    "~standard": {
      version: standard.version,
      vendor: standard.vendor,
      validate: standard.validate,
      jsonSchema: {
        input: () => structuredClone(portableToolSchema(schema, "input")),
        output: () => structuredClone(portableToolSchema(schema, "output")),
      },
    },
  } as StandardSchemaWithJSON<z.input<Schema>, z.output<Schema>>;
}

function deepFreeze<Value>(value: Value): Value {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
