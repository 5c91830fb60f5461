import { expect, it } from "vitest";
import { generateSchool, loadSchool, seedIfEmpty } from "../backend/seed.js";
import type { EducationRecords, StoredStatement } from "../backend/store.js";

/**
 * What every engine of the education records must do alike, written from the store's
 * interface: the same calls, the same answers, the same order. `open` gives a fresh, empty store.
 */
export function educationStoreContract(open: () => EducationRecords): void {
  const statement = (id: string, stored: string, actorKey: string, verb = "http://adlnet.gov/expapi/verbs/completed"): StoredStatement => ({
    id,
    stored,
    actorKey,
    verb,
    activityId: "https://synthetic-school.example/a/1",
    voided: false,
    statement: { id, actor: { mbox: "mailto:a@example.org" }, verb: { id: verb }, object: { id: "https://synthetic-school.example/a/1" } } as StoredStatement["statement"],
  });

  it("keeps meta values and OneRoster records, listing by sourcedId byte-wise", async () => {
    const store = open();
    try {
      expect(store.getMeta("seeded")).toBeUndefined();
      store.setMeta("seeded", "one");
      store.setMeta("seeded", "two");
      expect(store.getMeta("seeded")).toBe("two");
      const ref = (sourcedId: string) => ({ sourcedId });
      store.putRecords("enrollments", [
        { sourcedId: "b", user: ref("u1"), class: ref("c1"), role: "student" },
        { sourcedId: "B", user: ref("u2"), class: ref("c1"), role: "student" },
        { sourcedId: "a", user: ref("u1"), class: ref("c2"), role: "teacher" },
      ] as never);
      expect(store.count("enrollments")).toBe(3);
      expect(store.listRecords<{ sourcedId: string }>("enrollments").map((r) => r.sourcedId)).toEqual(["B", "a", "b"]);
      expect((await store.listEnrollments({ classSourcedId: "c1" })).map((e) => e.sourcedId)).toEqual(["B", "b"]);
      expect((await store.listEnrollments({ userSourcedId: "u1" })).map((e) => e.sourcedId)).toEqual(["a", "b"]);
      expect((await store.listEnrollments({ classSourcedId: "c1", userSourcedId: "u1" })).map((e) => e.sourcedId)).toEqual(["b"]);
      store.putRecords("enrollments", [{ sourcedId: "b", user: ref("u3"), class: ref("c3"), role: "student" }] as never);
      expect(store.getRecord<{ user: { sourcedId: string } }>("enrollments", "b")?.user.sourcedId).toBe("u3");
      expect(await store.listEnrollments({ classSourcedId: "c1" })).toHaveLength(1);
      store.putRecordJson("results", "r1", "c1", "u1", "li1", JSON.stringify({ sourcedId: "r1", score: 4 }));
      await store.putResult({ sourcedId: "r2", lineItem: ref("li1"), student: ref("u2"), class: ref("c1"), score: 5 } as never);
      expect((await store.listResults({ lineItemSourcedId: "li1" })).map((r) => r.sourcedId)).toEqual(["r1", "r2"]);
      expect((await store.listResults({ studentSourcedId: "u2", classSourcedId: "c1" })).map((r) => r.sourcedId)).toEqual(["r2"]);
      expect((await store.getResult("r1"))?.score).toBe(4);
      expect(await store.getUser("nobody")).toBeUndefined();
    } finally {
      store.close();
    }
  });

  it("bulk-loads records in columns, the last row of a sourcedId winning, references reset", async () => {
    const store = open();
    try {
      store.putRecordColumns([
        { kind: "results", columns: { sourcedId: ["r1", "r2", "r1"], classId: ["c1", "c1", "c2"], userId: ["u1", "u2", "u1"], lineItemId: ["li1", "li1", "li1"], json: ['{"sourcedId":"r1","score":1}', '{"sourcedId":"r2","score":2}', '{"sourcedId":"r1","score":3}'] } },
        { kind: "users", columns: { sourcedId: ["u1"], classId: [null], userId: [null], lineItemId: [null], json: ['{"sourcedId":"u1"}'] } },
      ]);
      expect(store.count("results")).toBe(2);
      expect((await store.listResults({ classSourcedId: "c2" })).map((r) => [r.sourcedId, r.score])).toEqual([["r1", 3]]);
      expect(store.getRecord("users", "u1")).toEqual({ sourcedId: "u1" });
      store.putRecordColumns([{ kind: "results", columns: { sourcedId: ["r2"], classId: [null], userId: [null], lineItemId: [null], json: ['{"sourcedId":"r2"}'] } }]);
      expect(await store.listResults({ lineItemSourcedId: "li1" })).toHaveLength(1);
    } finally {
      store.close();
    }
  });

  it("rolls a transaction back whole when it throws, and a nested one alone", () => {
    const store = open();
    try {
      expect(() =>
        store.transaction(() => {
          store.setMeta("k", "inside");
          throw new Error("stop");
        }),
      ).toThrow("stop");
      expect(store.getMeta("k")).toBeUndefined();
      store.transaction(() => {
        store.setMeta("outer", "kept");
        expect(() =>
          store.transaction(() => {
            store.setMeta("inner", "dropped");
            throw new Error("inner");
          }),
        ).toThrow("inner");
      });
      expect([store.getMeta("outer"), store.getMeta("inner")]).toEqual(["kept", undefined]);
      expect(store.transaction(() => 42)).toBe(42);
    } finally {
      store.close();
    }
  });

  it("keeps QTI items and CASE packages", () => {
    const store = open();
    try {
      const item = { id: "item-1", title: "T", interaction: "choice", xml: "<x/>", cfItemIds: ["cf-1"], status: "draft" as const, author: "t-001", bank: "b" };
      store.putItem(item);
      store.putItem({ ...item, status: "published" });
      store.putItem({ ...item, id: "item-0" });
      expect(store.getItem("item-1")).toEqual({ ...item, status: "published" });
      expect(store.listItems().map((i) => i.id)).toEqual(["item-0", "item-1"]);
      expect(store.getItem("nope")).toBeUndefined();
      const pkg = { CFDocument: { identifier: "doc-1", title: "Framework" }, CFItems: [], CFAssociations: [] };
      store.putCasePackage(pkg as never);
      store.putCasePackage({ ...pkg, CFDocument: { identifier: "doc-1", title: "Renamed" } } as never);
      expect(store.listCasePackages().map((p) => p.CFDocument.title)).toEqual(["Renamed"]);
    } finally {
      store.close();
    }
  });

  it("keeps xAPI statements: newest first, filters, voiding, purge", () => {
    const store = open();
    try {
      store.putStatement(statement("s1", "2026-11-01T00:00:00.000Z", "k1"));
      store.putStatement(statement("s2", "2026-11-02T00:00:00.000Z", "k2"));
      store.putStatement(statement("s3", "2026-11-03T00:00:00.000Z", "k1", "http://adlnet.gov/expapi/verbs/attempted"));
      expect(() => store.putStatement(statement("s1", "2026-11-04T00:00:00.000Z", "k1"))).toThrow();
      expect(store.queryStatements({ limit: 10, offset: 0 }).map((s) => s.id)).toEqual(["s3", "s2", "s1"]);
      expect(store.queryStatements({ actorKey: "k1", limit: 10, offset: 0 }).map((s) => s.id)).toEqual(["s3", "s1"]);
      expect(store.queryStatements({ verb: "http://adlnet.gov/expapi/verbs/completed", since: "2026-11-01T12:00:00Z", limit: 10, offset: 0 }).map((s) => s.id)).toEqual(["s2"]);
      expect(store.queryStatements({ limit: 1, offset: 1 }).map((s) => s.id)).toEqual(["s2"]);
      store.voidStatement("s2");
      expect(store.getStatement("s2")?.voided).toBe(true);
      expect(store.queryStatements({ limit: 10, offset: 0 }).map((s) => s.id)).toEqual(["s3", "s1"]);
      expect(store.queryStatements({ includeVoided: true, limit: 10, offset: 0 })).toHaveLength(3);
      expect(store.getStatement("s1")?.statement.object).toMatchObject({ id: "https://synthetic-school.example/a/1" });
      expect(store.purgeStatements("2026-11-02T12:00:00Z")).toBe(2);
      expect(store.queryStatements({ includeVoided: true, limit: 10, offset: 0 }).map((s) => s.id)).toEqual(["s3"]);
    } finally {
      store.close();
    }
  });

  it("claims practice attempts up to the cap, settles them, and keeps consents", () => {
    const store = open();
    try {
      expect([1, 2, 3].map(() => store.claimPracticeAttempt("u1", "item-1", 2, "2026-11-24T10:00:00Z"))).toEqual([1, 2, undefined]);
      store.settlePracticeAttempt("u1", "item-1", 1, 0.5, false);
      expect(store.practiceAttempts("u1", "item-1")).toEqual([
        { attempt: 1, at: "2026-11-24T10:00:00Z", score: 0.5, correct: false },
        { attempt: 2, at: "2026-11-24T10:00:00Z", score: null, correct: null },
      ]);
      expect([store.wasPracticed("item-1"), store.wasPracticed("item-2")]).toEqual([true, false]);
      expect(store.hasConsent("u1")).toBe(false);
      store.grantConsent("u1", "2026-11-24T10:00:00Z");
      store.grantConsent("u1", "2026-11-25T10:00:00Z");
      expect(store.hasConsent("u1")).toBe(true);
    } finally {
      store.close();
    }
  });

  it("keeps xAPI documents by resource, scope and registration, bytes unchanged", () => {
    const store = open();
    try {
      const doc = (id: string, updated: string, content: string, registration = "") => ({ kind: "state" as const, scope: "act|agent", registration, id, contentType: "application/octet-stream", content: Buffer.from(content), etag: `"${id}"`, updated });
      store.putXapiDocument(doc("b", "2026-11-01T00:00:00.000Z", "\u0000\u00ffbinary"));
      store.putXapiDocument(doc("a", "2026-11-02T00:00:00.000Z", "text"));
      store.putXapiDocument(doc("a", "2026-11-02T00:00:00.000Z", "other registration", "r1"));
      expect(store.getXapiDocument("state", "act|agent", "", "b")?.content.equals(Buffer.from("\u0000\u00ffbinary"))).toBe(true);
      expect(store.getXapiDocument("activityProfile", "act|agent", "", "b")).toBeUndefined();
      expect(store.listXapiDocumentIds("state", "act|agent", "")).toEqual(["a", "b"]);
      expect(store.listXapiDocumentIds("state", "act|agent", "", "2026-11-01T12:00:00.000Z")).toEqual(["a"]);
      expect(store.deleteXapiDocuments("state", "act|agent", "", "a")).toBe(1);
      expect(store.deleteXapiDocuments("state", "act|agent", "")).toBe(1);
      expect(store.listXapiDocumentIds("state", "act|agent", "r1")).toEqual(["a"]);
    } finally {
      store.close();
    }
  });

  it("takes the synthetic school, seeds once, and exposes every row to privacy scans", async () => {
    const store = open();
    try {
      expect(seedIfEmpty(store, { students: 12 })).toBe(true);
      expect(seedIfEmpty(store, { students: 12 })).toBe(false);
      const school = generateSchool({ students: 12 });
      expect(store.count("users")).toBe(school.users.length);
      expect((await store.listClasses()).map((c) => c.sourcedId)).toEqual(school.classes.map((c) => c.sourcedId).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
      loadSchool(store, school, { content: false });
      expect(store.count("results")).toBe(school.results.length);
      const rows = store.allStoredRows();
      expect(rows.some((entry) => JSON.stringify(entry.row).includes(school.users[0]!.familyName))).toBe(true);
    } finally {
      store.close();
    }
  });
}
