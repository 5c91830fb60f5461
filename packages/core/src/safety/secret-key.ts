/**
 * Fewest bytes accepted for an HMAC secret; matches the SHA-256 output size so the key
 * is never the weakest link.
 *
 * @example
 * ```ts
 * import { randomBytes } from "node:crypto";
 * const secret = randomBytes(MIN_SECRET_BYTES);
 * ```
 * @category Safety
 */
export const MIN_SECRET_BYTES = 32;

/**
 * Rejects secrets too short to resist guessing, before any token is issued under them.
 *
 * @example
 * ```ts
 * const key = requireSecretKey(process.env.APPROVAL_SECRET ?? "", "secret");
 * ```
 * @throws TypeError naming the option, never the value.
 * @internal
 * @category Safety
 */
export function requireSecretKey(secret: string | Uint8Array, optionName: string): string | Uint8Array {
  const length = typeof secret === "string" ? Buffer.byteLength(secret, "utf8") : secret instanceof Uint8Array ? secret.byteLength : -1;
  if (length < MIN_SECRET_BYTES) {
    throw new TypeError(`${optionName} must be a string or Uint8Array of at least ${MIN_SECRET_BYTES} bytes`);
  }
  return secret;
}
