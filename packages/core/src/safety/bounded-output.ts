import { z } from "zod";
import { canonicalJson, digestOf } from "./canonical-json.js";
import { requireSecretKey } from "./secret-key.js";
import { openSignedJson, signJson } from "./signed-token.js";
import { ExtensionError } from "../errors.js";

/**
 * Where the next page starts, plus any other opaque paging state (e.g. a sort key).
 *
 * @example
 * ```ts
 * const position: CursorPosition = { offset: 100, after: "2024-05-01" };
 * ```
 * @category Safety
 */
export type CursorPosition = { offset: number } & Record<string, string | number>;

/**
 * Encodes and checks signed paging cursors bound to one query.
 *
 * @example
 * ```ts
 * const codec: CursorCodec = createCursorCodec(process.env.CURSOR_SECRET!);
 * ```
 * @category Safety
 */
export interface CursorCodec {
  /** Signs a position for this query. */
  encode(position: CursorPosition, query: unknown): string;
  /** Returns the position, or throws `INVALID_CURSOR` if forged, malformed or for another query. */
  decode(cursor: string, query: unknown): CursorPosition;
}

const cursorPayloadSchema = z.strictObject({
  v: z.literal(1),
  q: z.string(),
  pos: z.record(z.string(), z.union([z.string(), z.number()])).and(z.object({ offset: z.number().int().nonnegative() })),
});

/** Truncated digest: enough to tell queries apart, short enough to keep cursors compact. */
const queryTag = (query: unknown): string => digestOf(query).slice(0, 32);

/**
 * Creates a codec for opaque, tamper-evident cursors that only work with the query that made them.
 *
 * Binding the cursor to the query stops a client from paging one search with a cursor
 * from another (e.g. to reach records its filters would exclude). Put everything that
 * scopes the result — binding name, filters, principal — into `query`.
 *
 * @example
 * ```ts
 * const cursors = createCursorCodec(process.env.CURSOR_SECRET!);
 * const query = { binding: "patients.search", name: args.name };
 * const next = cursors.encode({ offset: 100 }, query);
 * cursors.decode(next, query); // { offset: 100 }
 * ```
 * @throws TypeError when the secret is shorter than 32 bytes.
 * @category Safety
 */
export function createCursorCodec(secret: string | Uint8Array): CursorCodec {
  const key = requireSecretKey(secret, "secret");
  return {
    encode(position, query) {
      if (!Number.isSafeInteger(position.offset) || position.offset < 0) throw new TypeError("cursor offset must be a non-negative integer");
      for (const value of Object.values(position)) {
        if (typeof value !== "string" && !(typeof value === "number" && Number.isFinite(value))) {
          throw new TypeError("cursor position values must be strings or finite numbers");
        }
      }
      return signJson(key, canonicalJson({ v: 1, q: queryTag(query), pos: position }));
    },
    decode(cursor, query) {
      const parsed = cursorPayloadSchema.safeParse(openSignedJson(key, cursor));
      if (!parsed.success || parsed.data.q !== queryTag(query)) {
        throw new ExtensionError("INVALID_CURSOR", "the cursor is invalid or belongs to a different query; start again from the first page", {
          field: "cursor",
        });
      }
      return parsed.data.pos as CursorPosition;
    },
  };
}

/**
 * Turns a client-requested page size into one the server will honour, clamped to [1, maxLimit].
 *
 * @example
 * ```ts
 * resolveLimit(undefined, { defaultLimit: 25, maxLimit: 100 }); // 25
 * resolveLimit(1000, { defaultLimit: 25, maxLimit: 100 }); // 100
 * ```
 * @throws ExtensionError `INVALID_LIMIT` when the request is not a non-negative integer.
 * @category Safety
 */
export function resolveLimit(requested: number | undefined, bounds: { defaultLimit: number; maxLimit: number }): number {
  const { defaultLimit, maxLimit } = bounds;
  if (!Number.isSafeInteger(maxLimit) || maxLimit < 1) throw new TypeError("maxLimit must be a positive integer");
  if (!Number.isSafeInteger(defaultLimit) || defaultLimit < 1) throw new TypeError("defaultLimit must be a positive integer");
  const limit = requested ?? defaultLimit;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 0) {
    throw new ExtensionError("INVALID_LIMIT", "limit must be a non-negative integer", { field: "limit" });
  }
  return Math.min(Math.max(limit, 1), maxLimit);
}

/**
 * One page of a bounded result.
 *
 * @example
 * ```ts
 * const page: BoundedPage<Patient> = boundPage({ items, offset, limit, maxBytes: 64_000, cursorCodec, query });
 * ```
 * @category Safety
 */
export type BoundedPage<T> = {
  items: T[];
  /** Whether more items exist beyond this page. */
  truncated: boolean;
  /** Cursor for the next page; present exactly when `truncated`. */
  nextCursor?: string;
  /** `items.length`, for callers that only log counts. */
  returned: number;
};

/**
 * Cuts one page from a result set by count and by serialized size, with a cursor to continue.
 *
 * `items` is the full ordered result (or a prefix of it, with the full count in `total`).
 * The page holds the items from `offset` that fit both `limit` and `maxBytes`, measured
 * as UTF-8 bytes of `JSON.stringify(pageItems)`, so one oversized record cannot flood the
 * model's context.
 *
 * @example
 * ```ts
 * const { offset } = args.cursor === undefined ? { offset: 0 } : cursorCodec.decode(args.cursor, query);
 * const limit = resolveLimit(args.limit, { defaultLimit: 25, maxLimit: 100 });
 * const page = boundPage({ items: rows, offset, limit, maxBytes: 64_000, cursorCodec, query });
 * ```
 * @throws ExtensionError `OUTPUT_TOO_LARGE` when the first item of the page alone exceeds `maxBytes`.
 * @category Safety
 */
export function boundPage<T>(input: {
  items: readonly T[];
  offset: number;
  limit: number;
  maxBytes: number;
  total?: number;
  cursorCodec: CursorCodec;
  query: unknown;
}): BoundedPage<T> {
  const { items, offset, limit, maxBytes, total, cursorCodec, query } = input;
  if (!Number.isSafeInteger(offset) || offset < 0) throw new TypeError("offset must be a non-negative integer");
  if (!Number.isSafeInteger(limit) || limit < 1) throw new TypeError("limit must be a positive integer");
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 2) throw new TypeError("maxBytes must be an integer of at least 2");

  const candidates = items.slice(offset, offset + limit);
  const page: T[] = [];
  let bytes = 2; // "[]"
  for (const item of candidates) {
    // JSON.stringify writes array holes and undefined as null.
    const itemBytes = Buffer.byteLength(JSON.stringify(item) ?? "null", "utf8") + (page.length > 0 ? 1 : 0);
    if (bytes + itemBytes > maxBytes) break;
    bytes += itemBytes;
    page.push(item);
  }
  if (page.length === 0 && candidates.length > 0) {
    // Skipping the item would silently hide a record; failing lets the caller narrow the request.
    throw new ExtensionError("OUTPUT_TOO_LARGE", "a single result is larger than the output budget; narrow the request or ask for fewer fields", {
      data: { maxBytes },
    });
  }

  const nextOffset = offset + page.length;
  const available = Math.max(items.length, total ?? 0);
  const truncated = nextOffset < available;
  return {
    items: page,
    truncated,
    ...(truncated ? { nextCursor: cursorCodec.encode({ offset: nextOffset }, query) } : {}),
    returned: page.length,
  };
}

/**
 * Shortens text to at most `maxBytes` UTF-8 bytes without splitting a code point, marking cuts with "…".
 *
 * The ellipsis counts towards the budget, so the result always fits.
 *
 * @example
 * ```ts
 * truncateText("naïve café", 8); // { text: "naïv…", truncated: true }
 * ```
 * @category Safety
 */
export function truncateText(text: string, maxBytes: number): { text: string; truncated: boolean } {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new TypeError("maxBytes must be a non-negative integer");
  const encoded = Buffer.from(text, "utf8");
  if (encoded.length <= maxBytes) return { text, truncated: false };
  const ellipsis = "…";
  const budget = maxBytes - Buffer.byteLength(ellipsis, "utf8");
  if (budget < 0) return { text: "", truncated: true };
  let end = budget;
  // Back up over UTF-8 continuation bytes (10xxxxxx) to land on a code point boundary.
  while (end > 0 && ((encoded[end] ?? 0) & 0xc0) === 0x80) end--;
  return { text: encoded.subarray(0, end).toString("utf8") + ellipsis, truncated: true };
}
