import { AjvJsonSchemaValidator } from "@modelcontextprotocol/server/validators/ajv";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { asPortableStandardSchema, portableJsonSchema, portableToolSchema } from "./portable-schema.js";
import type { JsonSchema } from "./json-schema.js";
// Seeded, so a failure reproduces.
import { createSeededRandom } from "../data/seeded-random.js";

const DIALECT = "https://json-schema.org/draft/2020-12/schema";

const CASES: { name: string; input: JsonSchema; output: JsonSchema }[] = [
  { name: "drops $schema at the root", input: { $schema: DIALECT, type: "object" }, output: { type: "object" } },
  {
    name: "keeps a $schema-named property (data, not the keyword)",
    input: { type: "object", properties: { $schema: { type: "string" } } },
    output: { type: "object", properties: { $schema: { type: "string" } } },
  },
  {
    name: "empty additionalProperties → true",
    input: { type: "object", propertyNames: { type: "string" }, additionalProperties: {} },
    output: { type: "object", propertyNames: { type: "string" }, additionalProperties: true },
  },
  {
    name: "annotation-only unevaluatedProperties, additionalItems, unevaluatedItems → true",
    input: { unevaluatedProperties: { description: "anything" }, additionalItems: {}, unevaluatedItems: { title: "t" }, type: "object" },
    output: { unevaluatedProperties: true, additionalItems: true, unevaluatedItems: true, type: "object" },
  },
  {
    name: "additionalProperties false and typed stay",
    input: { type: "object", additionalProperties: false, properties: { a: { type: "object", additionalProperties: { type: "number" } } } },
    output: { type: "object", additionalProperties: false, properties: { a: { type: "object", additionalProperties: { type: "number" } } } },
  },
  {
    name: "a nullable number becomes anyOf, siblings kept",
    input: { type: ["number", "null"], minimum: 0, description: "mean" },
    output: { anyOf: [{ type: "number" }, { type: "null" }], minimum: 0, description: "mean" },
  },
  {
    name: "a single-entry type array becomes a string",
    input: { type: ["string"], format: "date" },
    output: { type: "string", format: "date" },
  },
  {
    name: "type array beside enum keeps the enum",
    input: { type: ["string", "null"], enum: ["a", "b", null] },
    output: { anyOf: [{ type: "string" }, { type: "null" }], enum: ["a", "b", null] },
  },
  {
    name: "type array beside an existing anyOf joins an allOf",
    input: { type: ["string", "integer"], anyOf: [{ minLength: 2 }, { minimum: 5 }] },
    output: { anyOf: [{ minLength: 2 }, { minimum: 5 }], allOf: [{ anyOf: [{ type: "string" }, { type: "integer" }] }] },
  },
  {
    name: "…and an existing allOf is extended",
    input: { type: ["string", "integer"], anyOf: [{ minLength: 2 }], allOf: [{ maxLength: 9 }] },
    output: { anyOf: [{ minLength: 2 }], allOf: [{ maxLength: 9 }, { anyOf: [{ type: "string" }, { type: "integer" }] }] },
  },
  {
    name: "nested in items, anyOf branches, $defs, prefixItems, not, if/then/else",
    input: {
      $schema: DIALECT,
      type: "object",
      properties: {
        list: { type: "array", items: { type: ["integer", "null"] } },
        either: { anyOf: [{ type: "object", additionalProperties: {} }, { type: ["boolean", "string"] }] },
        tuple: { type: "array", prefixItems: [{ type: ["number", "null"] }] },
        ref: { $ref: "#/$defs/cell" },
        never: { not: { type: ["string", "number"] } },
        cond: { if: { type: ["string", "null"] }, then: { type: ["string", "null"], maxLength: 3 }, else: { type: "number" } },
      },
      $defs: { cell: { type: "object", properties: { v: { type: ["number", "null"] } }, additionalProperties: {} } },
    },
    output: {
      type: "object",
      properties: {
        list: { type: "array", items: { anyOf: [{ type: "integer" }, { type: "null" }] } },
        either: { anyOf: [{ type: "object", additionalProperties: true }, { anyOf: [{ type: "boolean" }, { type: "string" }] }] },
        tuple: { type: "array", prefixItems: [{ anyOf: [{ type: "number" }, { type: "null" }] }] },
        ref: { $ref: "#/$defs/cell" },
        never: { not: { anyOf: [{ type: "string" }, { type: "number" }] } },
        cond: {
          if: { anyOf: [{ type: "string" }, { type: "null" }] },
          then: { anyOf: [{ type: "string" }, { type: "null" }], maxLength: 3 },
          else: { type: "number" },
        },
      },
      $defs: { cell: { type: "object", properties: { v: { anyOf: [{ type: "number" }, { type: "null" }] } }, additionalProperties: true } },
    },
  },
  {
    name: "data is never rewritten (const, enum, default, examples)",
    input: { type: "object", default: { type: ["x", "y"], additionalProperties: {} }, examples: [{ $schema: "x" }], properties: { k: { const: { type: ["a", "b"] } } } },
    output: { type: "object", default: { type: ["x", "y"], additionalProperties: {} }, examples: [{ $schema: "x" }], properties: { k: { const: { type: ["a", "b"] } } } },
  },
  {
    name: "what it cannot fix stays for the kit to report (untyped property, bare boolean)",
    input: { type: "object", properties: { anything: {}, yes: true, remote: { $ref: "https://example.com/s.json" } } },
    output: { type: "object", properties: { anything: {}, yes: true, remote: { $ref: "https://example.com/s.json" } } },
  },
];

describe("portableJsonSchema", () => {
  it.each(CASES)("$name", ({ input, output }) => {
    const before = structuredClone(input);
    expect(portableJsonSchema(input)).toEqual(output);
    expect(input).toEqual(before);
  });

  it("is idempotent", () => {
    for (const { output } of CASES) expect(portableJsonSchema(output)).toEqual(output);
  });
});

function randomValue(next: () => number, depth = 0): unknown {
  const pick = Math.floor(next() * (depth > 2 ? 6 : 8));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return next() < 0.5;
    case 2:
      return Math.floor(next() * 20) - 5;
    case 3:
      return next() * 10 - 2;
    case 4:
      return ["", "a", "ab", "abcd", "2026-12-01", "x".repeat(Math.floor(next() * 6))][Math.floor(next() * 6)];
    case 5:
      return ["a", "b", "c"][Math.floor(next() * 3)];
    case 6:
      return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
    default: {
      const keys = ["mean", "v", "list", "either", "tuple", "never", "cond", "extra", "a", "k"];
      return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [keys[Math.floor(next() * keys.length)], randomValue(next, depth + 1)]));
    }
  }
}

describe("portableJsonSchema keeps the meaning", () => {
  const validator = new AjvJsonSchemaValidator();
  const next = createSeededRandom(20261201);
  const samples = Array.from({ length: 600 }, () => randomValue(next));

  it.each(CASES.filter((entry) => !JSON.stringify(entry.input).includes("example.com")))("$name: ajv accepts and rejects the same instances", ({ input }) => {
    const before = validator.getValidator(input as never);
    const after = validator.getValidator(portableJsonSchema(input) as never);
    // Instances shaped to hit each keyword: the random ones and every case's own data.
    const shaped = [
      { mean: null },
      { mean: 3 },
      { list: [1, null, 2.5] },
      { either: { x: 1 } },
      { either: "s" },
      { tuple: [null] },
      { tuple: ["x"] },
      { never: true },
      { never: "s" },
      { cond: "abcd" },
      { cond: null },
      { cond: 4 },
      { ref: { v: null, w: 1 } },
      { ref: { v: "x" } },
      "ab",
      "a",
      4,
      7,
      null,
      "b",
    ];
    let accepted = 0;
    let rejected = 0;
    for (const instance of [...shaped, ...samples]) {
      const expected = before(instance).valid;
      expect({ instance, valid: after(instance).valid }).toEqual({ instance, valid: expected });
      if (expected) accepted += 1;
      else rejected += 1;
    }
    // The comparison means something only if both outcomes occur.
    expect(accepted).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
  });
});

describe("portableToolSchema", () => {
  it("converts a zod schema once and lists no $schema, empty schema or type array", () => {
    const schema = z.object({
      mean: z.number().nullable().describe("Mean score"),
      facts: z.record(z.string(), z.unknown()).describe("Free-form facts"),
    });
    const listed = portableToolSchema(schema, "output");
    expect(listed).toBe(portableToolSchema(schema, "output"));
    expect(Object.isFrozen(listed)).toBe(true);
    expect(listed).toEqual({
      type: "object",
      properties: {
        mean: { anyOf: [{ type: "number" }, { type: "null" }], description: "Mean score" },
        facts: { type: "object", propertyNames: { type: "string" }, additionalProperties: true, description: "Free-form facts" },
      },
      required: ["mean", "facts"],
      additionalProperties: false,
    });
    expect(portableToolSchema(schema, "input")).not.toHaveProperty("additionalProperties");
  });

  it("hands the SDK a copy per conversion and validates with zod", async () => {
    const schema = z.object({ n: z.number().int().nullable() });
    const standard = asPortableStandardSchema(schema);
    const first = standard["~standard"].jsonSchema.input({ target: "draft-2020-12" });
    (first as JsonSchema).mutated = true;
    expect(standard["~standard"].jsonSchema.input({ target: "draft-2020-12" })).not.toHaveProperty("mutated");
    expect(await standard["~standard"].validate({ n: null })).toEqual({ value: { n: null } });
    const rejected = await standard["~standard"].validate({ n: 1.5 });
    expect(rejected.issues?.[0]?.path).toEqual(["n"]);
  });
});
