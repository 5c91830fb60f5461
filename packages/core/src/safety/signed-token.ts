import { createHmac, timingSafeEqual } from "node:crypto";

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Longest token accepted, so hostile input cannot make us hash megabytes. */
const MAX_TOKEN_CHARS = 8192;

/**
 * Encodes a JSON string as `base64url(json) + "." + base64url(HMAC-SHA256(secret, part))`.
 *
 * @example
 * ```ts
 * const token = signJson(secret, canonicalJson({ id: "a1" }));
 * ```
 * @internal
 * @category Safety
 */
export function signJson(secret: string | Uint8Array, json: string): string {
  const payloadPart = Buffer.from(json, "utf8").toString("base64url");
  return `${payloadPart}.${signaturePart(secret, payloadPart)}`;
}

/**
 * Returns the parsed payload of a token made by {@link signJson}, or `undefined` when it
 * is malformed or its signature does not verify.
 *
 * @example
 * ```ts
 * const payload = openSignedJson(secret, token); // unknown | undefined
 * ```
 * @internal
 * @category Safety
 */
export function openSignedJson(secret: string | Uint8Array, token: unknown): unknown {
  if (typeof token !== "string" || token.length > MAX_TOKEN_CHARS) return undefined;
  const parts = token.split(".");
  if (parts.length !== 2) return undefined;
  const [payloadPart, givenSignature] = parts as [string, string];
  if (!BASE64URL.test(payloadPart) || !BASE64URL.test(givenSignature)) return undefined;

  // Comparing the encoded text, not decoded bytes, also rejects alternative encodings of
  // the same signature (base64 padding bits), so any edited character fails.
  const expected = Buffer.from(signaturePart(secret, payloadPart), "utf8");
  const given = Buffer.from(givenSignature, "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;

  try {
    return JSON.parse(Buffer.from(payloadPart, "base64url").toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

function signaturePart(secret: string | Uint8Array, payloadPart: string): string {
  return createHmac("sha256", secret).update(payloadPart, "utf8").digest("base64url");
}
