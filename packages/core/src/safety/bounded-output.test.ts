import { describe, expect, it } from "vitest";
import { boundPage, createCursorCodec, resolveLimit, truncateText } from "./bounded-output.js";
import { isExtensionError } from "../errors.js";

const SECRET = "cursor-secret-for-tests-0123456789ab";
const QUERY = { binding: "patients.search", name: "doe" };

function failureOf(run: () => unknown): { code: string; field: string | undefined } {
  try {
    run();
  } catch (error) {
    if (isExtensionError(error)) return { code: error.code, field: error.field };
    throw error;
  }
  throw new Error("expected a throw");
}

describe("cursor codec", () => {
  const codec = createCursorCodec(SECRET);

  it("round-trips a position for the same query", () => {
    const cursor = codec.encode({ offset: 100, after: "2024-05-01", rank: 3 }, QUERY);
    expect(codec.decode(cursor, { name: "doe", binding: "patients.search" })).toEqual({ offset: 100, after: "2024-05-01", rank: 3 });
  });

  it("rejects a cursor used with another query", () => {
    const cursor = codec.encode({ offset: 100 }, QUERY);
    expect(failureOf(() => codec.decode(cursor, { ...QUERY, name: "smith" }))).toEqual({ code: "INVALID_CURSOR", field: "cursor" });
  });

  it("rejects tampered, foreign and malformed cursors", () => {
    const cursor = codec.encode({ offset: 100 }, QUERY);
    const forged = Buffer.from(JSON.stringify({ v: 1, q: "0".repeat(32), pos: { offset: 0 } })).toString("base64url");
    const candidates = [
      `${cursor.slice(0, 3)}${cursor[3] === "A" ? "B" : "A"}${cursor.slice(4)}`,
      `${cursor.slice(0, -1)}${cursor.endsWith("A") ? "B" : "A"}`,
      `${forged}.${cursor.split(".")[1] ?? ""}`,
      createCursorCodec(`${SECRET}-other`).encode({ offset: 100 }, QUERY),
      "",
      "not-a-cursor",
      "a.b.c",
    ];
    for (const candidate of candidates) expect(failureOf(() => codec.decode(candidate, QUERY)).code).toBe("INVALID_CURSOR");
  });

  it("rejects invalid positions and short secrets", () => {
    expect(() => codec.encode({ offset: -1 }, QUERY)).toThrow(TypeError);
    expect(() => codec.encode({ offset: 1.5 }, QUERY)).toThrow(TypeError);
    expect(() => createCursorCodec("short")).toThrow(TypeError);
  });
});

describe("resolveLimit", () => {
  const bounds = { defaultLimit: 25, maxLimit: 100 };

  it("defaults and clamps to [1, maxLimit]", () => {
    expect(resolveLimit(undefined, bounds)).toBe(25);
    expect(resolveLimit(40, bounds)).toBe(40);
    expect(resolveLimit(1000, bounds)).toBe(100);
    expect(resolveLimit(0, bounds)).toBe(1);
    expect(resolveLimit(undefined, { defaultLimit: 500, maxLimit: 100 })).toBe(100);
  });

  it.each([-1, 2.5, Number.NaN, Number.POSITIVE_INFINITY, "10" as unknown as number])("rejects %s", (requested) => {
    expect(failureOf(() => resolveLimit(requested, bounds))).toEqual({ code: "INVALID_LIMIT", field: "limit" });
  });
});

describe("boundPage", () => {
  const cursorCodec = createCursorCodec(SECRET);
  const items = Array.from({ length: 250 }, (_, index) => ({ id: index, name: `patient ${index}` }));

  it("pages through 250 items with limit 100, returning each exactly once", () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const offset = cursor === undefined ? 0 : cursorCodec.decode(cursor, QUERY).offset;
      const page = boundPage({ items, offset, limit: 100, maxBytes: 1_000_000, cursorCodec, query: QUERY });
      expect(page.returned).toBe(page.items.length);
      expect(page.truncated).toBe(page.nextCursor !== undefined);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual(items.map((item) => item.id));
  });

  it("cuts a page at the byte budget and continues where it stopped", () => {
    const itemBytes = Buffer.byteLength(JSON.stringify(items[0]));
    const maxBytes = 2 + itemBytes * 10 + 9 + 5; // room for ten items, not eleven
    const first = boundPage({ items, offset: 0, limit: 100, maxBytes, cursorCodec, query: QUERY });
    expect(first.returned).toBe(10);
    expect(Buffer.byteLength(JSON.stringify(first.items))).toBeLessThanOrEqual(maxBytes);
    expect(first.truncated).toBe(true);
    const next = boundPage({ items, offset: cursorCodec.decode(first.nextCursor ?? "", QUERY).offset, limit: 100, maxBytes, cursorCodec, query: QUERY });
    expect(next.items[0]).toEqual(items[10]);
  });

  it("counts multibyte characters as UTF-8 bytes", () => {
    const wide = [{ t: "é".repeat(10) }, { t: "é".repeat(10) }];
    const oneItem = Buffer.byteLength(JSON.stringify([wide[0]]));
    const page = boundPage({ items: wide, offset: 0, limit: 10, maxBytes: oneItem, cursorCodec, query: QUERY });
    expect(page.returned).toBe(1);
  });

  it("reports more results when only a prefix is in hand", () => {
    const page = boundPage({ items: items.slice(0, 10), offset: 0, limit: 10, maxBytes: 1_000_000, total: 250, cursorCodec, query: QUERY });
    expect(page).toMatchObject({ returned: 10, truncated: true });
    expect(cursorCodec.decode(page.nextCursor ?? "", QUERY).offset).toBe(10);
  });

  it("ends without a cursor on the last page and past the end", () => {
    expect(boundPage({ items, offset: 200, limit: 100, maxBytes: 1_000_000, cursorCodec, query: QUERY })).toEqual({
      items: items.slice(200),
      truncated: false,
      returned: 50,
    });
    expect(boundPage({ items, offset: 900, limit: 100, maxBytes: 1_000_000, cursorCodec, query: QUERY })).toEqual({
      items: [],
      truncated: false,
      returned: 0,
    });
  });

  it("fails rather than skipping an item larger than the budget", () => {
    const huge = [{ note: "x".repeat(500) }];
    const failure = failureOf(() => boundPage({ items: huge, offset: 0, limit: 10, maxBytes: 100, cursorCodec, query: QUERY }));
    expect(failure.code).toBe("OUTPUT_TOO_LARGE");
  });
});

describe("truncateText", () => {
  it("leaves text within the budget alone", () => {
    expect(truncateText("hello", 5)).toEqual({ text: "hello", truncated: false });
  });

  it("cuts ASCII and appends an ellipsis within the budget", () => {
    expect(truncateText("hello world", 8)).toEqual({ text: "hello…", truncated: true });
  });

  it("never splits a multibyte code point", () => {
    for (let maxBytes = 0; maxBytes <= 40; maxBytes++) {
      for (const text of ["naïve café résumé", "日本語のテキストです", "emoji 🙂🙂🙂 end", "🙂".repeat(8)]) {
        const { text: cut, truncated } = truncateText(text, maxBytes);
        expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(maxBytes);
        expect(cut).not.toContain("\uFFFD");
        expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
        if (truncated) {
          expect(text.startsWith(cut.slice(0, -1))).toBe(true);
        } else {
          expect(cut).toBe(text);
        }
      }
    }
    expect(truncateText("naïve café", 8)).toEqual({ text: "naïv…", truncated: true });
    expect(truncateText("naïve café", 6)).toEqual({ text: "na…", truncated: true });
    expect(truncateText("日本語", 7)).toEqual({ text: "日…", truncated: true });
  });
});
