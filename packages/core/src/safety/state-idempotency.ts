import { createHash } from "node:crypto";
import type { StateStore } from "../state/state-store.js";
import type { IdempotencyBackend, IdempotencyBeginResult } from "./idempotency.js";

/**
 * Options for {@link stateIdempotencyBackend}.
 *
 * @example
 * ```ts
 * const options: StateIdempotencyBackendOptions = { leaseMs: 2 * 60_000 };
 * ```
 * @category Safety
 */
export interface StateIdempotencyBackendOptions {
  /** Namespace of the idempotency records (default `idempotency`). */
  namespace?: string;
  /**
   * How long an in-flight claim lasts without renewal (default 2 minutes). The running worker
   * renews it; when a worker dies, a retry after the lease resumes the operation instead of
   * seeing it in progress for the whole retention.
   */
  leaseMs?: number;
  /** Clock in epoch ms, injectable for tests (use the store's clock). */
  now?: () => number;
}

type Claim = { state: "pending"; digest: string; leaseUntil: number } | { state: "done"; digest: string; result: unknown };

/**
 * An {@link IdempotencyBackend} on shared state with in-flight leases. Claims are
 * compare-and-set creates, so exactly one replica runs a key; the claimant renews its lease
 * while the operation runs; a claim whose lease ran out (its worker crashed) is taken over by
 * the next retry with the same arguments. Operations must therefore be safe to resume after a
 * crash (e.g. a payment checks its own settled state before settling).
 *
 * @example
 * ```ts
 * const idempotency = createIdempotency({ backend: stateIdempotencyBackend(state) });
 * ```
 * @category Safety
 */
export function stateIdempotencyBackend(state: StateStore, options: StateIdempotencyBackendOptions = {}): IdempotencyBackend {
  const namespace = options.namespace ?? "idempotency";
  const leaseMs = options.leaseMs ?? 2 * 60_000;
  if (!Number.isFinite(leaseMs) || leaseMs <= 0) throw new TypeError("leaseMs must be a positive number");
  const now = options.now ?? Date.now;
  // Claims this process holds: the record version it wrote and the record's expiry.
  const held = new Map<string, { version: number; expiresAt: number | null }>();

  const take = async (key: string, claim: Claim, expectVersion: number, expiresAt: number | null): Promise<boolean> => {
    const written = await state.put<Claim>(namespace, stateKey(key), claim, { expectVersion, expiresAt });
    if (written === undefined) return false;
    held.set(key, { version: written.version, expiresAt });
    return true;
  };

  return {
    leaseMs,

    async begin(key, digest, expiresAt): Promise<IdempotencyBeginResult> {
      for (let attempt = 0; attempt < 20; attempt++) {
        const record = await state.get<Claim>(namespace, stateKey(key));
        const pending: Claim = { state: "pending", digest, leaseUntil: now() + leaseMs };
        if (record === undefined) {
          if (await take(key, pending, 0, expiresAt)) return { state: "new" };
          continue;
        }
        const claim = record.value;
        if (claim.state === "done") return { state: "done", digest: claim.digest, result: claim.result };
        if (claim.digest !== digest || claim.leaseUntil > now()) return { state: "pending", digest: claim.digest };
        // The claimant stopped renewing (crashed): resume in its place.
        if (await take(key, pending, record.version, record.expiresAt)) return { state: "new", resumed: true };
      }
      const record = await state.get<Claim>(namespace, stateKey(key));
      return { state: "pending", digest: record?.value.digest ?? digest };
    },

    async renew(key) {
      const mine = held.get(key);
      if (mine === undefined) return false;
      const record = await state.get<Claim>(namespace, stateKey(key));
      if (record === undefined || record.version !== mine.version || record.value.state !== "pending") return false;
      return take(key, { ...record.value, leaseUntil: now() + leaseMs }, mine.version, mine.expiresAt);
    },

    async complete(key, result) {
      const mine = held.get(key);
      held.delete(key);
      for (let attempt = 0; attempt < 20; attempt++) {
        const record = await state.get<Claim>(namespace, stateKey(key));
        // Someone else already stored a result (after taking over a lapsed lease): the first one stands.
        if (record === undefined || record.value.state === "done") return;
        const done: Claim = { state: "done", digest: record.value.digest, result: result ?? null };
        const written = await state.put<Claim>(namespace, stateKey(key), done, { expectVersion: record.version, expiresAt: mine?.expiresAt ?? record.expiresAt });
        if (written !== undefined) return;
      }
      throw new Error("the idempotency record kept changing while storing its result");
    },

    async abort(key) {
      const mine = held.get(key);
      held.delete(key);
      if (mine !== undefined) await state.delete(namespace, stateKey(key), { expectVersion: mine.version });
    },
  };
}

/** Scope and key joined without NUL (which state keys refuse); very long scopes are hashed. */
function stateKey(compositeKey: string): string {
  const key = compositeKey.replaceAll("\u0000", "\u001f");
  return key.length <= 400 ? key : `sha256:${createHash("sha256").update(key).digest("hex")}`;
}
