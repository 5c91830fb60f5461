import { createHash, createHmac } from "node:crypto";

/**
 * Serializes a JSON-compatible value deterministically: object keys sorted, no whitespace.
 *
 * Two structurally equal values always produce the same string, which is what makes
 * digests of arguments, queries and audit records comparable across processes.
 * Values JSON would silently change or drop (non-finite numbers, functions, symbols,
 * bigints, `undefined` in arrays, `Map`/`Set`, cycles) throw instead, because a digest
 * that ignores part of its input would let two different requests look identical.
 * `undefined` object properties are skipped, as `JSON.stringify` does; `toJSON` is honoured.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [true, null] }); // '{"a":[true,null],"b":1}'
 * ```
 * @throws TypeError when the value has no faithful JSON representation.
 * @category Safety
 */
export function canonicalJson(value: unknown): string {
  const serialized = serialize(value, new Set<object>());
  if (serialized === undefined) {
    throw new TypeError("canonicalJson: the value has no JSON representation");
  }
  return serialized;
}

/**
 * SHA-256 hex digest of {@link canonicalJson}, for comparing values without storing them.
 *
 * @example
 * ```ts
 * digestOf({ a: 1, b: 2 }) === digestOf({ b: 2, a: 1 }); // true
 * ```
 * @throws TypeError when the value has no faithful JSON representation.
 * @category Safety
 */
export function digestOf(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value), "utf8").digest("hex");
}

/**
 * Pseudonymous identifier: HMAC-SHA256 of `value` under `key`, truncated to 32 hex chars.
 *
 * Lets audit records and tokens correlate the same person or record without holding
 * the raw identifier; without the key the id cannot be reversed or recomputed from a guess.
 *
 * @example
 * ```ts
 * const id = keyedId(process.env.AUDIT_KEY!, "patient-12345"); // 32 hex chars
 * ```
 * @category Safety
 */
export function keyedId(key: string | Uint8Array, value: string): string {
  return createHmac("sha256", key).update(value, "utf8").digest("hex").slice(0, 32);
}

/**
 * Returns `undefined` for values an object property may silently omit. Errors name no
 * keys or paths, since keys can themselves be personal data.
 */
function serialize(value: unknown, ancestors: Set<object>): string | undefined {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number`);
      return JSON.stringify(value);
    case "undefined":
      return undefined;
    case "bigint":
    case "function":
    case "symbol":
      throw new TypeError(`canonicalJson: ${typeof value} has no JSON representation`);
  }
  if (value === null) return "null";
  const object = value as object;
  if (ancestors.has(object)) throw new TypeError(`canonicalJson: circular reference`);

  const toJSON = (object as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    ancestors.add(object);
    try {
      return serialize(toJSON.call(object), ancestors);
    } finally {
      ancestors.delete(object);
    }
  }
  if (object instanceof Map || object instanceof Set) {
    // JSON.stringify turns these into "{}", which would make every Map digest equal.
    throw new TypeError(`canonicalJson: Map or Set has no JSON representation`);
  }

  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      const parts: string[] = [];
      // Indexed loop rather than map() so sparse-array holes are seen and rejected.
      for (let index = 0; index < object.length; index++) {
        const serializedItem = serialize((object as unknown[])[index], ancestors);
        if (serializedItem === undefined) throw new TypeError("canonicalJson: undefined inside an array");
        parts.push(serializedItem);
      }
      return `[${parts.join(",")}]`;
    }
    const record = object as Record<string, unknown>;
    const parts: string[] = [];
    // Default sort compares UTF-16 code units: stable and locale-independent.
    for (const key of Object.keys(record).sort()) {
      const serializedValue = serialize(record[key], ancestors);
      if (serializedValue !== undefined) parts.push(`${JSON.stringify(key)}:${serializedValue}`);
    }
    return `{${parts.join(",")}}`;
  } finally {
    ancestors.delete(object);
  }
}
