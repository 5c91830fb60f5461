import Database from "better-sqlite3";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EducationStore, type OneRosterRecordColumns } from "./store.js";

const columnsOf = (rows: { id: string; classId?: string; userId?: string; lineItemId?: string; data: object }[]): OneRosterRecordColumns => ({
  sourcedId: rows.map((row) => row.id),
  classId: rows.map((row) => row.classId ?? null),
  userId: rows.map((row) => row.userId ?? null),
  lineItemId: rows.map((row) => row.lineItemId ?? null),
  json: rows.map((row) => JSON.stringify({ sourcedId: row.id, ...row.data })),
});

const enrollment = (i: number, cls: string) => ({ id: `e${i}`, classId: cls, userId: `u${i % 7}`, data: { class: { sourcedId: cls, type: "class" }, user: { sourcedId: `u${i % 7}`, type: "user" } } });

describe("EducationStore bulk loads", async () => {
  const root = await mkdtemp(join(tmpdir(), "edu-bulk-"));
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("stores every row of every batch (multi-row statements and their tail), queryable by each reference", async () => {
    const store = new EducationStore(":memory:");
    // 300 rows: two full 128-row statements and a 44-row tail.
    const rows = Array.from({ length: 300 }, (_, i) => enrollment(i, `c${i % 3}`));
    store.putRecordColumns([
      { kind: "users", columns: columnsOf(Array.from({ length: 7 }, (_, i) => ({ id: `u${i}`, data: { givenName: `G${i}` } }))) },
      { kind: "enrollments", columns: columnsOf(rows) },
    ]);
    expect(store.count("enrollments")).toBe(300);
    expect(store.count("users")).toBe(7);
    expect((await store.listEnrollments({ classSourcedId: "c1" })).map((e) => e.sourcedId).sort()).toEqual(rows.filter((r) => r.classId === "c1").map((r) => r.id).sort());
    expect(await store.listEnrollments({ classSourcedId: "c2", userSourcedId: "u3" })).toHaveLength(rows.filter((r) => r.classId === "c2" && r.userId === "u3").length);
    expect(((await store.getUser("u4")) as unknown as { givenName: string }).givenName).toBe("G4");
    store.close();
  });

  it("a re-import replaces records and clears a reference the new rows no longer carry", async () => {
    const store = new EducationStore(":memory:");
    store.putRecordColumns([{ kind: "results", columns: columnsOf([{ id: "r1", classId: "c1", userId: "u1", lineItemId: "li1", data: { score: 1 } }]) }]);
    expect(await store.listResults({ classSourcedId: "c1" })).toHaveLength(1);
    store.putRecordColumns([{ kind: "results", columns: columnsOf([{ id: "r1", userId: "u1", lineItemId: "li1", data: { score: 2 } }]) }]);
    expect(await store.listResults({ classSourcedId: "c1" })).toEqual([]);
    expect(((await store.getResult("r1")) as unknown as { score: number }).score).toBe(2);
    store.close();
  });

  it("is all or nothing: a failing batch leaves the store as it was", () => {
    const store = new EducationStore(":memory:");
    store.putRecordColumns([{ kind: "orgs", columns: columnsOf([{ id: "o1", data: { name: "before" } }]) }]);
    const bad = columnsOf([{ id: "o2", data: {} }]);
    bad.json[0] = null as unknown as string; // data is NOT NULL: the statement fails after the first batch was written
    expect(() =>
      store.putRecordColumns([
        { kind: "orgs", columns: columnsOf([{ id: "o1", data: { name: "after" } }, { id: "o3", data: {} }]) },
        { kind: "courses", columns: bad },
      ]),
    ).toThrow();
    expect(store.listRecords<{ sourcedId: string; name?: string }>("orgs")).toEqual([{ sourcedId: "o1", name: "before" }]);
    expect(store.count("courses")).toBe(0);
    store.close();
  });

  it("refuses a kind that is not one of the store's (it becomes part of the statement)", () => {
    const store = new EducationStore(":memory:");
    expect(() => store.putRecordColumns([{ kind: "users'); DROP TABLE oneroster; --" as "users", columns: columnsOf([{ id: "x", data: {} }]) }])).toThrow(TypeError);
    expect(store.count("users")).toBe(0);
    store.close();
  });

  it("replaces the full reference indexes of an older file with partial ones, and queries use them", () => {
    const path = join(root, "old", "education.sqlite");
    new EducationStore(path).close();
    const old = new Database(path);
    old.exec("DROP INDEX oneroster_class_ref; CREATE INDEX oneroster_class ON oneroster (kind, class_id);");
    old.close();
    new EducationStore(path).close();
    const db = new Database(path, { readonly: true });
    const indexes = (db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'oneroster' AND sql IS NOT NULL ORDER BY name").all() as { name: string; sql: string }[]);
    expect(indexes.map((index) => index.name)).toEqual(["oneroster_class_ref", "oneroster_line_item_ref", "oneroster_user_ref"]);
    expect(indexes.every((index) => /WHERE \w+ IS NOT NULL/.test(index.sql))).toBe(true);
    const plan = (db.prepare("EXPLAIN QUERY PLAN SELECT data FROM oneroster WHERE kind = ? AND class_id = ?").all("enrollments", "c1") as { detail: string }[]).map((row) => row.detail).join(" ");
    expect(plan).toContain("oneroster_class_ref");
    db.close();
  });
});
