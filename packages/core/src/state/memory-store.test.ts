import { describe, expect, it } from "vitest";
import { memoryStateStore } from "./memory-store.js";
import { updateRecord } from "./state-store.js";

describe("memoryStateStore", () => {
  it("writes with compare-and-set: exactly one of two racing writers wins", async () => {
    const state = memoryStateStore();
    const first = await state.put("approvals", "a1", { status: "pending" }, { expectVersion: 0 });
    expect(first?.version).toBe(1);
    const [a, b] = await Promise.all([
      state.put("approvals", "a1", { status: "approved" }, { expectVersion: 1 }),
      state.put("approvals", "a1", { status: "declined" }, { expectVersion: 1 }),
    ]);
    expect([a, b].filter((won) => won !== undefined)).toHaveLength(1);
    expect((await state.get<{ status: string }>("approvals", "a1"))?.version).toBe(2);
    expect(await state.put("approvals", "a1", { status: "x" }, { expectVersion: 0 })).toBeUndefined();
  });

  it("treats expired records as absent and purges them", async () => {
    let time = 1_000;
    const state = memoryStateStore({ now: () => time });
    await state.put("idempotency", "k", { claimed: true }, { expiresAt: 2_000 });
    expect(await state.get("idempotency", "k")).toBeDefined();
    time = 2_000;
    expect(await state.get("idempotency", "k")).toBeUndefined();
    expect((await state.put("idempotency", "k", { claimed: true }, { expectVersion: 0 }))?.version).toBe(1);
    time = 5_000;
    await state.put("other", "gone", 1, { expiresAt: 4_000 });
    expect(await state.purgeExpired()).toBe(1);
  });

  it("lists in key order with prefix and paging, and returns copies", async () => {
    const state = memoryStateStore();
    for (const key of ["b:2", "a:1", "b:1", "b:3"]) await state.put("ns", key, { key });
    const page = await state.list<{ key: string }>("ns", { prefix: "b:", limit: 2 });
    expect(page.map((record) => record.key)).toEqual(["b:1", "b:2"]);
    expect((await state.list("ns", { prefix: "b:", after: "b:2" })).map((record) => record.key)).toEqual(["b:3"]);
    page[0]!.value.key = "mutated";
    expect((await state.get<{ key: string }>("ns", "b:1"))?.value.key).toBe("b:1");
  });

  it("increments counters and appends linked log entries in one chain", async () => {
    const state = memoryStateStore();
    await Promise.all([state.increment("limits", "day", 5), state.increment("limits", "day", 7)]);
    expect((await state.get("limits", "day"))?.value).toBe(12);
    await Promise.all(
      Array.from({ length: 5 }, () => state.appendLinked<{ prev: number }>("audit", (last) => ({ prev: last?.seq ?? 0 }))),
    );
    const log = await state.readLog<{ prev: number }>("audit");
    expect(log.map((item) => [item.seq, item.entry.prev])).toEqual([[1, 0], [2, 1], [3, 2], [4, 3], [5, 4]]);
    expect((await state.readLog("audit", { last: 2 })).map((item) => item.seq)).toEqual([4, 5]);
  });

  it("updateRecord retries until its change applies, and rejects bad names", async () => {
    const state = memoryStateStore();
    await Promise.all(
      Array.from({ length: 10 }, () => updateRecord<number>(state, "ns", "n", (current) => (current ?? 0) + 1)),
    );
    expect((await state.get("ns", "n"))?.value).toBe(10);
    await expect(state.get("bad name", "k")).rejects.toThrow(TypeError);
    await expect(state.put("ns", "", 1)).rejects.toThrow(TypeError);
  });
});
