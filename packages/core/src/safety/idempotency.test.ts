import { describe, expect, it, vi } from "vitest";
import { createIdempotency, memoryIdempotencyBackend, type IdempotencyBackend } from "./idempotency.js";
import { isExtensionError } from "../errors.js";

const SCOPE = "payments.send:user-42";
const ARGS = { amount: "120.00", currency: "EUR", payee: "ACME Ltd" };

function setup() {
  const clock = { ms: 1_700_000_000_000 };
  const backend = memoryIdempotencyBackend({ now: () => clock.ms });
  const idempotency = createIdempotency({ backend, now: () => clock.ms });
  return { clock, backend, idempotency };
}

async function failureOf(promise: Promise<unknown>): Promise<{ code: string; field: string | undefined }> {
  try {
    await promise;
  } catch (error) {
    if (isExtensionError(error)) return { code: error.code, field: error.field };
    throw error;
  }
  throw new Error("expected a rejection");
}

describe("idempotency", () => {
  it("runs once and replays an identical result", async () => {
    const { idempotency } = setup();
    const fn = vi.fn(async () => ({ transferId: "t-1", status: "sent" }));
    const first = await idempotency.run({ scope: SCOPE, key: "order-1", args: ARGS }, fn);
    const second = await idempotency.run({ scope: SCOPE, key: "order-1", args: { payee: "ACME Ltd", currency: "EUR", amount: "120.00" } }, fn);
    expect(first).toEqual({ result: { transferId: "t-1", status: "sent" }, replayed: false });
    expect(second).toEqual({ result: first.result, replayed: true });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("does not let a caller mutate the stored result", async () => {
    const { idempotency } = setup();
    const first = await idempotency.run({ scope: SCOPE, key: "order-1", args: ARGS }, async () => ({ status: "sent" }));
    first.result.status = "tampered";
    const second = await idempotency.run({ scope: SCOPE, key: "order-1", args: ARGS }, async () => ({ status: "again" }));
    expect(second.result).toEqual({ status: "sent" });
  });

  it("rejects the same key with different arguments", async () => {
    const { idempotency } = setup();
    await idempotency.run({ scope: SCOPE, key: "order-1", args: ARGS }, async () => "ok");
    const fn = vi.fn(async () => "again");
    expect(await failureOf(idempotency.run({ scope: SCOPE, key: "order-1", args: { ...ARGS, amount: "999.00" } }, fn))).toEqual({
      code: "IDEMPOTENCY_CONFLICT",
      field: "idempotencyKey",
    });
    expect(fn).not.toHaveBeenCalled();
  });

  it("keeps keys in different scopes apart", async () => {
    const { idempotency } = setup();
    await idempotency.run({ scope: SCOPE, key: "order-1", args: ARGS }, async () => "first");
    const other = await idempotency.run({ scope: "payments.send:user-43", key: "order-1", args: { other: true } }, async () => "second");
    expect(other).toEqual({ result: "second", replayed: false });
  });

  it("runs fn exactly once for 50 concurrent calls with one key", async () => {
    const { idempotency } = setup();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fn = vi.fn(async () => {
      await gate;
      return { transferId: "t-1" };
    });
    const calls = Array.from({ length: 50 }, () => idempotency.run({ scope: SCOPE, key: "order-1", args: ARGS }, fn));
    release();
    const outcomes = await Promise.all(calls);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(outcomes.filter((outcome) => !outcome.replayed)).toHaveLength(1);
    for (const outcome of outcomes) expect(outcome.result).toEqual({ transferId: "t-1" });
  });

  it("rejects a concurrent call with the same key and different arguments", async () => {
    const { idempotency } = setup();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = idempotency.run({ scope: SCOPE, key: "order-1", args: ARGS }, () => gate.then(() => "done"));
    expect((await failureOf(idempotency.run({ scope: SCOPE, key: "order-1", args: { x: 1 } }, async () => "x"))).code).toBe(
      "IDEMPOTENCY_CONFLICT",
    );
    release();
    await expect(first).resolves.toEqual({ result: "done", replayed: false });
  });

  it("releases the key when fn throws so a retry runs", async () => {
    const { idempotency } = setup();
    await expect(
      idempotency.run({ scope: SCOPE, key: "order-1", args: ARGS }, async () => {
        throw new Error("bank unavailable");
      }),
    ).rejects.toThrow("bank unavailable");
    await expect(idempotency.run({ scope: SCOPE, key: "order-1", args: ARGS }, async () => "sent")).resolves.toEqual({
      result: "sent",
      replayed: false,
    });
  });

  it("allows a key to be reused after the retention period", async () => {
    const clock = { ms: 0 };
    const idempotency = createIdempotency({ backend: memoryIdempotencyBackend({ now: () => clock.ms }), retentionMs: 1000, now: () => clock.ms });
    await idempotency.run({ scope: SCOPE, key: "order-1", args: ARGS }, async () => "first");
    clock.ms = 999;
    expect(await idempotency.run({ scope: SCOPE, key: "order-1", args: ARGS }, async () => "second")).toEqual({ result: "first", replayed: true });
    clock.ms = 1000;
    expect(await idempotency.run({ scope: SCOPE, key: "order-1", args: { changed: true } }, async () => "third")).toEqual({
      result: "third",
      replayed: false,
    });
  });

  it.each(["", "a".repeat(256), "has space", "emoji-🙂", "slash/not-allowed", "nul\u0000"])("rejects the invalid key %j", async (key) => {
    const { idempotency } = setup();
    expect(await failureOf(idempotency.run({ scope: SCOPE, key, args: ARGS }, async () => "x"))).toEqual({
      code: "IDEMPOTENCY_KEY_INVALID",
      field: "idempotencyKey",
    });
  });

  it("accepts keys using the whole allowed alphabet up to 255 characters", async () => {
    const { idempotency } = setup();
    await expect(idempotency.run({ scope: SCOPE, key: "Aa0._:-".padEnd(255, "z"), args: ARGS }, async () => 1)).resolves.toEqual({
      result: 1,
      replayed: false,
    });
  });

  it("waits for another process and replays its result", async () => {
    const { backend, idempotency } = setup();
    const key = `${SCOPE}\u0000order-1`;
    const { digestOf } = await import("./canonical-json.js");
    await backend.begin(key, digestOf(ARGS), Number.MAX_SAFE_INTEGER);
    setTimeout(() => void backend.complete(key, "from elsewhere"), 30);
    const fn = vi.fn(async () => "here");
    await expect(idempotency.run({ scope: SCOPE, key: "order-1", args: ARGS }, fn)).resolves.toEqual({ result: "from elsewhere", replayed: true });
    expect(fn).not.toHaveBeenCalled();
  });

  it("gives up on a key another process holds for too long", async () => {
    const pending: IdempotencyBackend = {
      begin: async (_key, digest) => ({ state: "pending", digest }),
      complete: async () => undefined,
      abort: async () => undefined,
    };
    const idempotency = createIdempotency({ backend: pending, pendingPollMs: 5, pendingTimeoutMs: 20 });
    expect(await failureOf(idempotency.run({ scope: SCOPE, key: "order-1", args: ARGS }, async () => "x"))).toEqual({
      code: "IDEMPOTENCY_IN_PROGRESS",
      field: "idempotencyKey",
    });
  });
});
