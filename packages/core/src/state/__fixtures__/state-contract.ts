import { expect, it } from "vitest";
import { sharedSecret } from "../shared-secret.js";
import { updateRecord, type StateStore } from "../state-store.js";

/** Opens a fresh, empty store on the engine under test, with an injectable clock. */
export type OpenFreshStore = (options: { now: () => number }) => Promise<StateStore>;

/** The behaviour every StateStore engine must share; each engine's test file calls this once. */
export function stateStoreContract(openFresh: OpenFreshStore): void {
  const withStore = async (run: (state: StateStore, clock: { time: number }) => Promise<void>): Promise<void> => {
    const clock = { time: 1_000_000 };
    const state = await openFresh({ now: () => clock.time });
    try {
      await run(state, clock);
    } finally {
      await state.close();
    }
  };

  it("writes with compare-and-set: exactly one of racing writers wins, versions grow by one", () =>
    withStore(async (state) => {
      const first = await state.put("approvals", "a1", { status: "pending" }, { expectVersion: 0 });
      expect(first).toMatchObject({ namespace: "approvals", key: "a1", version: 1, expiresAt: null, value: { status: "pending" } });
      expect(await state.put("approvals", "a1", { status: "again" }, { expectVersion: 0 })).toBeUndefined();
      const racers = await Promise.all(
        ["approved", "declined", "expired", "used"].map((status) => state.put("approvals", "a1", { status }, { expectVersion: 1 })),
      );
      const winners = racers.filter((won) => won !== undefined);
      expect(winners).toHaveLength(1);
      const read = await state.get<{ status: string }>("approvals", "a1");
      expect(read?.version).toBe(2);
      expect(read?.value).toEqual(winners[0]!.value);
      expect(await state.put("approvals", "a1", { status: "stale" }, { expectVersion: 1 })).toBeUndefined();
      const unconditional = await state.put("approvals", "a1", { status: "forced" });
      expect(unconditional?.version).toBe(3);
      expect(await state.put("approvals", "missing", { status: "x" }, { expectVersion: 4 })).toBeUndefined();
      expect(await state.get("approvals", "missing")).toBeUndefined();
    }));

  it("round-trips JSON values exactly and keeps namespaces apart", () =>
    withStore(async (state) => {
      const value = { text: "zürich \"quoted\" \u2028 line", nested: [1, 2.5, -3e-7, null, true, { deep: "é" }], empty: {} };
      await state.put("one", "k", value);
      await state.put("two", "k", "other");
      await state.put("one", "scalar", 42);
      expect((await state.get("one", "k"))?.value).toEqual(value);
      expect((await state.get("two", "k"))?.value).toBe("other");
      expect((await state.get("one", "scalar"))?.value).toBe(42);
      await expect(state.put("one", "bad", undefined)).rejects.toThrow(TypeError);
    }));

  it("treats expired records as absent: reads, compare-and-set from 0, deletes, and purges them", () =>
    withStore(async (state, clock) => {
      await state.put("idempotency", "k", { claimed: true }, { expiresAt: clock.time + 1_000 });
      expect((await state.get("idempotency", "k"))?.expiresAt).toBe(clock.time + 1_000);
      clock.time += 1_000;
      expect(await state.get("idempotency", "k")).toBeUndefined();
      expect(await state.delete("idempotency", "k")).toBe(false);
      expect(await state.put("idempotency", "k", { claimed: "again" }, { expectVersion: 1 })).toBeUndefined();
      const reclaimed = await state.put("idempotency", "k", { claimed: "again" }, { expectVersion: 0 });
      expect(reclaimed?.version).toBe(1);
      await state.put("other", "gone", 1, { expiresAt: clock.time + 10 });
      await state.put("other", "kept", 1, { expiresAt: clock.time + 10_000 });
      clock.time += 20;
      expect(await state.purgeExpired()).toBe(1);
      expect((await state.list("other")).map((record) => record.key)).toEqual(["kept"]);
    }));

  it("deletes, optionally only at an expected version", () =>
    withStore(async (state) => {
      await state.put("ns", "k", 1);
      await state.put("ns", "k", 2);
      expect(await state.delete("ns", "k", { expectVersion: 1 })).toBe(false);
      expect(await state.delete("ns", "k", { expectVersion: 2 })).toBe(true);
      expect(await state.delete("ns", "k")).toBe(false);
      await state.put("ns", "j", 1);
      expect(await state.delete("ns", "j")).toBe(true);
      expect(await state.get("ns", "j")).toBeUndefined();
    }));

  it("lists live records in key order with prefix and paging", () =>
    withStore(async (state, clock) => {
      for (const key of ["b:2", "a:1", "b:1", "b:3", "b%_", "bb"]) await state.put("ns", key, { key });
      await state.put("ns", "b:0", { key: "expired" }, { expiresAt: clock.time - 1 });
      await state.put("elsewhere", "b:9", { key: "b:9" });
      const page = await state.list<{ key: string }>("ns", { prefix: "b:", limit: 2 });
      expect(page.map((record) => record.key)).toEqual(["b:1", "b:2"]);
      expect(page[0]?.value).toEqual({ key: "b:1" });
      expect((await state.list("ns", { prefix: "b:", after: "b:2" })).map((record) => record.key)).toEqual(["b:3"]);
      // LIKE wildcards in a prefix are plain characters.
      expect((await state.list("ns", { prefix: "b%" })).map((record) => record.key)).toEqual(["b%_"]);
      expect((await state.list("ns")).map((record) => record.key)).toEqual(["a:1", "b%_", "b:1", "b:2", "b:3", "bb"]);
      await expect(state.list("ns", { limit: 0 })).rejects.toThrow(TypeError);
    }));

  it("increments counters atomically, starting expired or absent counters from zero", () =>
    withStore(async (state, clock) => {
      const totals = await Promise.all(Array.from({ length: 20 }, (_, index) => state.increment("limits", "day", index + 1, { expiresAt: clock.time + 500 })));
      expect(Math.max(...totals)).toBe(210);
      const counter = await state.get<number>("limits", "day");
      expect(counter?.value).toBe(210);
      expect(counter?.expiresAt).toBe(clock.time + 500);
      expect(await state.increment("limits", "day", 0.5, { expiresAt: clock.time + 99_999 })).toBe(210.5);
      expect((await state.get("limits", "day"))?.expiresAt).toBe(clock.time + 500);
      clock.time += 500;
      expect(await state.increment("limits", "day", 3, { expiresAt: clock.time + 500 })).toBe(3);
      await state.put("limits", "text", "not a number");
      expect(await state.increment("limits", "text", 2)).toBe(2);
      await expect(state.increment("limits", "day", Number.NaN)).rejects.toThrow(TypeError);
    }));

  it("appends linked log entries as one chain under concurrency, and reads windows of it", () =>
    withStore(async (state) => {
      expect(await state.readLog("audit")).toEqual([]);
      await Promise.all(
        Array.from({ length: 12 }, () => state.appendLinked<{ prev: number }>("audit", (last) => ({ prev: last?.seq ?? 0 }))),
      );
      await state.appendLinked("other-log", () => "separate");
      const log = await state.readLog<{ prev: number }>("audit");
      expect(log.map((item) => [item.seq, item.entry.prev])).toEqual(Array.from({ length: 12 }, (_, index) => [index + 1, index]));
      expect((await state.readLog("audit", { last: 2 })).map((item) => item.seq)).toEqual([11, 12]);
      expect((await state.readLog("audit", { afterSeq: 3, limit: 2 })).map((item) => item.seq)).toEqual([4, 5]);
      expect((await state.readLog("other-log")).map((item) => item.entry)).toEqual(["separate"]);
      await expect(state.appendLinked("audit", () => {
        throw new Error("compose failed");
      })).rejects.toThrow("compose failed");
      expect((await state.readLog("audit", { last: 1 }))[0]?.seq).toBe(12);
    }));

  it("updateRecord retries until every change applies", () =>
    withStore(async (state) => {
      await Promise.all(Array.from({ length: 10 }, () => updateRecord<number>(state, "ns", "n", (current) => (current ?? 0) + 1, { attempts: 100 })));
      expect((await state.get("ns", "n"))?.value).toBe(10);
    }));

  it("creates one shared secret per name, whoever asks first", () =>
    withStore(async (state) => {
      const secrets = await Promise.all(Array.from({ length: 5 }, () => sharedSecret(state, "cursors")));
      expect(secrets[0]).toHaveLength(32);
      for (const secret of secrets) expect(Buffer.from(secret).equals(Buffer.from(secrets[0]!))).toBe(true);
      const other = await sharedSecret(state, "sessions");
      expect(Buffer.from(other).equals(Buffer.from(secrets[0]!))).toBe(false);
    }));

  it("rejects bad names and keys, and refuses use after close", async () => {
    const state = await openFresh({ now: Date.now });
    await expect(state.get("bad name", "k")).rejects.toThrow(TypeError);
    await expect(state.put("ns", "", 1)).rejects.toThrow(TypeError);
    await expect(state.put("ns", "k", 1, { expectVersion: -1 })).rejects.toThrow(TypeError);
    await expect(state.appendLinked("bad log!", () => 1)).rejects.toThrow(TypeError);
    await state.close();
    await expect(state.get("ns", "k")).rejects.toThrow(/closed/);
  });
}
