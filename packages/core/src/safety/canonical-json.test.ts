import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson, digestOf, keyedId } from "./canonical-json.js";

describe("canonicalJson", () => {
  it("sorts keys recursively and omits whitespace", () => {
    expect(canonicalJson({ b: { d: 1, c: [2, { f: null, e: "x" }] }, a: true })).toBe(
      '{"a":true,"b":{"c":[2,{"e":"x","f":null}],"d":1}}',
    );
  });

  it("is independent of key insertion order", () => {
    expect(canonicalJson({ x: 1, y: { a: 1, b: 2 } })).toBe(canonicalJson({ y: { b: 2, a: 1 }, x: 1 }));
  });

  it("skips undefined object properties", () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it("escapes strings like JSON and honours toJSON", () => {
    expect(canonicalJson({ s: 'line\n"quoted"', when: new Date(0) })).toBe('{"s":"line\\n\\"quoted\\"","when":"1970-01-01T00:00:00.000Z"}');
  });

  it.each([
    ["NaN", Number.NaN],
    ["Infinity", { n: Number.POSITIVE_INFINITY }],
    ["a function", { f: () => 1 }],
    ["undefined in an array", [1, undefined]],
    ["a sparse array hole", [1, , 3]],
    ["a bigint", { n: 1n }],
    ["a symbol", [Symbol("s")]],
    ["a Map", { m: new Map([["a", 1]]) }],
    ["top-level undefined", undefined],
  ])("rejects %s with TypeError", (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it("rejects cycles but accepts repeated shared references", () => {
    const shared = { v: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"v":1},"b":{"v":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(TypeError);
  });

  it("does not echo keys or values in errors", () => {
    expect(() => canonicalJson({ "jane@example.org": Number.NaN })).toThrow(expect.objectContaining({ message: expect.not.stringContaining("jane") }));
  });
});

describe("digestOf", () => {
  it("is the sha256 hex of the canonical form and ignores key order", () => {
    expect(digestOf({ a: 1, b: 2 })).toMatch(/^[0-9a-f]{64}$/);
    expect(digestOf({ a: 1, b: 2 })).toBe(digestOf({ b: 2, a: 1 }));
    expect(digestOf({ a: 1 })).not.toBe(digestOf({ a: "1" }));
  });
});

describe("keyedId", () => {
  it("is a 32-hex-char truncated HMAC that depends on the key", () => {
    const id = keyedId("k".repeat(32), "patient-1");
    expect(id).toBe(createHmac("sha256", "k".repeat(32)).update("patient-1").digest("hex").slice(0, 32));
    expect(id).toHaveLength(32);
    expect(keyedId(new Uint8Array(32).fill(1), "patient-1")).not.toBe(id);
    expect(keyedId("k".repeat(32), "patient-2")).not.toBe(id);
  });
});
