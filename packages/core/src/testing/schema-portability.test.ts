import { describe, expect, it } from "vitest";
import { schemaPortabilityFindings } from "./schema-portability.js";

const rulesAt = (schema: unknown) => schemaPortabilityFindings(schema).map(({ rule, path }) => `${rule} ${path}`);

describe("schemaPortabilityFindings", () => {
  it("passes typed, closed and free-form schemas", () => {
    const schema = {
      type: "object",
      properties: {
        mean: { anyOf: [{ type: "number" }, { type: "null" }], description: "Mean" },
        facts: { type: "object", additionalProperties: true },
        list: { type: "array", items: { $ref: "#/$defs/cell" } },
        never: { not: {} },
        cond: { if: { const: 1 }, then: { minimum: 0 } },
        open: { type: "object", unevaluatedProperties: true, additionalProperties: false },
      },
      $defs: { cell: { type: "string", format: "date" } },
      additionalProperties: false,
    };
    expect(schemaPortabilityFindings(schema)).toEqual([]);
  });

  it("names each finding by its path, nested in properties, items, anyOf, $defs and additionalProperties", () => {
    const schema = {
      type: "object",
      properties: {
        mean: { type: ["number", "null"] },
        anything: {},
        "x-raw": { description: "described but untyped" },
        flag: true,
        gone: false,
        list: { type: "array", items: [{ type: "string" }, {}] },
        either: { anyOf: [{ type: "string" }, { $ref: "https://example.com/other.json" }] },
        extra: { type: "object", additionalProperties: {} },
        onlyIf: { if: { type: "string" } },
      },
      $defs: { cell: { type: ["string", "integer"] } },
    };
    expect(rulesAt(schema)).toEqual([
      "type-union properties.mean",
      "untyped-schema properties.anything",
      'untyped-schema properties["x-raw"]',
      "boolean-schema properties.flag",
      "boolean-schema properties.gone",
      "untyped-schema properties.list.items[1]",
      "remote-ref properties.either.anyOf[1]",
      "untyped-schema properties.extra.additionalProperties",
      "untyped-schema properties.onlyIf",
      "type-union $defs.cell",
    ]);
  });

  it("says what to write instead", () => {
    const [union, untyped, forbidden, remote] = schemaPortabilityFindings({
      type: "object",
      properties: { a: { type: ["number", "null"] }, b: {}, c: false, d: { $ref: "other.json" } },
    });
    expect(union!.fix).toContain('{"anyOf": [{"type":"number"}, {"type":"null"}]}');
    expect(untyped!.fix).toContain('{"type": "object", "additionalProperties": true}');
    expect(forbidden!.fix).toContain('{"not": {}}');
    expect(remote!.fix).toContain("#/$defs/");
  });

  it("accepts a bare boolean only as the value of the four boolean-valued keywords", () => {
    const allowed = { type: "array", additionalItems: true, unevaluatedItems: false, items: { type: "object", additionalProperties: false, unevaluatedProperties: true } };
    expect(schemaPortabilityFindings(allowed)).toEqual([]);
    expect(rulesAt({ type: "array", items: true, contains: false })).toEqual(["boolean-schema items", "boolean-schema contains"]);
    expect(rulesAt(true)).toEqual(["boolean-schema "]);
  });

  it("leaves a relative $ref alone when the document embeds an $id (it resolves inside)", () => {
    expect(schemaPortabilityFindings({ $defs: { a: { $id: "a.json", type: "string" } }, properties: { x: { $ref: "a.json" } }, type: "object" })).toEqual([]);
  });
});
