import { listLimit, type ListOptions, type ReadLogOptions } from "./state-store.js";

/** Encodes a state value as JSON text, refusing what JSON cannot hold. */
export function encodeValue(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError("state values must be JSON (objects, arrays, strings, numbers, booleans, null)");
  return text;
}

/** Checks an expiry option: epoch ms, `null` or absent. */
export function expiryOf(expiresAt: number | null | undefined): number | null {
  if (expiresAt === undefined || expiresAt === null) return null;
  if (!Number.isFinite(expiresAt)) throw new TypeError("expiresAt must be epoch milliseconds or null");
  return Math.floor(expiresAt);
}

/** Checks a compare-and-set version: a non-negative integer. */
export function expectedVersion(version: number | undefined): number | undefined {
  if (version === undefined) return undefined;
  if (!Number.isInteger(version) || version < 0) throw new TypeError("expectVersion must be a non-negative integer");
  return version;
}

/** The normalised paging of a list call. */
export function listQuery(options: ListOptions): { prefix: string | undefined; after: string | undefined; limit: number } {
  return { prefix: options.prefix, after: options.after, limit: listLimit(options.limit) };
}

/** The normalised window of a readLog call; `limit` undefined means all. */
export function logWindow(options: ReadLogOptions): { afterSeq: number; limit: number | undefined; last: number | undefined } {
  const check = (value: number | undefined, name: string, min: number): number | undefined => {
    if (value === undefined) return undefined;
    if (!Number.isInteger(value) || value < min) throw new TypeError(`${name} must be an integer of at least ${min}`);
    return value;
  };
  return {
    afterSeq: check(options.afterSeq, "afterSeq", 0) ?? 0,
    limit: check(options.limit, "limit", 0),
    last: check(options.last, "last", 0),
  };
}

/** How often engines purge expired records on their own. */
export const PURGE_INTERVAL_MS = 10 * 60_000;
