import { digestOf } from "./canonical-json.js";
import { ExtensionError } from "../errors.js";

/**
 * What a backend knows about an idempotency key when a request claims it.
 *
 * @example
 * ```ts
 * const state: IdempotencyBeginResult = await backend.begin(key, digest, Date.now() + 86_400_000);
 * if (state.state === "done") return state.result;
 * ```
 * @category Safety
 */
export type IdempotencyBeginResult =
  | { state: "new"; /** True when this claim took over one whose lease lapsed (its worker died mid-operation). */ resumed?: boolean }
  | { state: "done"; digest: string; result: unknown }
  | { state: "pending"; digest: string };

/**
 * Shared store of idempotency keys. `begin` must claim atomically: exactly one concurrent
 * caller may see `"new"` for a key.
 *
 * @example
 * ```ts
 * const backend: IdempotencyBackend = {
 *   begin: async (key, digest, expiresAt) => claimInDatabase(key, digest, expiresAt),
 *   complete: async (key, result) => storeResult(key, result),
 *   abort: async (key) => releaseClaim(key),
 * };
 * ```
 * @category Safety
 */
export interface IdempotencyBackend {
  /** Claims `key` for `digest` until `expiresAt` (epoch ms), or reports its current state. */
  begin(key: string, digest: string, expiresAt: number): Promise<IdempotencyBeginResult>;
  /** Stores the result for a claimed key, so later requests replay it. */
  complete(key: string, result: unknown): Promise<void>;
  /** Releases a claimed key after a failure, so a retry can run. */
  abort(key: string): Promise<void>;
  /**
   * Optional: how long an in-flight claim lasts unless renewed. When set with {@link IdempotencyBackend.renew},
   * {@link createIdempotency} renews the claim every third of it while the operation runs.
   */
  readonly leaseMs?: number;
  /** Optional: extends this process's in-flight claim; resolves false when the claim was lost. */
  renew?(key: string): Promise<boolean>;
}

/**
 * Options for {@link memoryIdempotencyBackend}.
 *
 * @example
 * ```ts
 * const options: MemoryIdempotencyBackendOptions = { now: () => clock.ms };
 * ```
 * @category Safety
 */
export type MemoryIdempotencyBackendOptions = {
  /** Clock in epoch ms, used to drop expired keys. */
  now?: () => number;
};

/**
 * Single-process {@link IdempotencyBackend}; stores structured clones so replays cannot be mutated.
 *
 * @example
 * ```ts
 * const idempotency = createIdempotency({ backend: memoryIdempotencyBackend() });
 * ```
 * @category Safety
 */
export function memoryIdempotencyBackend(options: MemoryIdempotencyBackendOptions = {}): IdempotencyBackend {
  const now = options.now ?? Date.now;
  type Entry = { digest: string; expiresAt: number } & ({ state: "pending" } | { state: "done"; result: unknown });
  const entries = new Map<string, Entry>();
  const dropExpired = (): void => {
    const time = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= time) entries.delete(key);
  };
  return {
    async begin(key, digest, expiresAt) {
      dropExpired();
      const entry = entries.get(key);
      if (entry === undefined) {
        entries.set(key, { state: "pending", digest, expiresAt });
        return { state: "new" };
      }
      if (entry.state === "pending") return { state: "pending", digest: entry.digest };
      return { state: "done", digest: entry.digest, result: structuredClone(entry.result) };
    },
    async complete(key, result) {
      const entry = entries.get(key);
      if (entry === undefined) return;
      entries.set(key, { state: "done", digest: entry.digest, expiresAt: entry.expiresAt, result: structuredClone(result) });
    },
    async abort(key) {
      if (entries.get(key)?.state === "pending") entries.delete(key);
    },
  };
}

/**
 * Options for {@link createIdempotency}.
 *
 * @example
 * ```ts
 * const options: IdempotencyOptions = { backend: memoryIdempotencyBackend(), retentionMs: 60 * 60_000 };
 * ```
 * @category Safety
 */
export type IdempotencyOptions = {
  /** Where keys and results live. Default: in memory, on the same clock. */
  backend?: IdempotencyBackend;
  /** How long a key and its result are kept. Default 24 hours. */
  retentionMs?: number;
  /** Clock in epoch ms, injectable for tests. */
  now?: () => number;
  /** How often to re-check a key another process holds. Default 25 ms. */
  pendingPollMs?: number;
  /** How long to wait for another process before giving up. Default 10 s. */
  pendingTimeoutMs?: number;
};

/**
 * Runs side-effecting operations at most once per idempotency key.
 *
 * @example
 * ```ts
 * const idempotency: Idempotency = createIdempotency();
 * ```
 * @category Safety
 */
export interface Idempotency {
  /**
   * Runs `fn` once for this key and arguments; later calls replay its result. `fn` learns
   * whether it resumes an attempt whose worker died (leased backends only), so it can finish
   * what that attempt started instead of refusing it.
   */
  run<T>(input: { scope: string; key: string; args: unknown }, fn: (attempt: { resumed: boolean }) => Promise<T>): Promise<{ result: T; replayed: boolean }>;
}

const KEY_PATTERN = /^[A-Za-z0-9._:-]{1,255}$/;
const DEFAULT_RETENTION_MS = 24 * 60 * 60_000;

/**
 * Creates an idempotency guard: a retried request with the same key and arguments gets
 * the stored result instead of repeating the side effect.
 *
 * Keys are scoped (e.g. per binding and principal), 1–255 chars of `[A-Za-z0-9._:-]`.
 * Reusing a key with different arguments fails with `IDEMPOTENCY_CONFLICT`; a key held by
 * another process for longer than the wait fails with `IDEMPOTENCY_IN_PROGRESS`. If `fn`
 * throws, the key is released so the client can retry.
 *
 * @example
 * ```ts
 * const idempotency = createIdempotency({ backend: memoryIdempotencyBackend() });
 * const { result, replayed } = await idempotency.run(
 *   { scope: `payments.send:${principalId}`, key: args.idempotencyKey, args },
 *   () => bank.transfer(args),
 * );
 * ```
 * @category Safety
 */
export function createIdempotency(options: IdempotencyOptions = {}): Idempotency {
  const now = options.now ?? Date.now;
  const backend = options.backend ?? memoryIdempotencyBackend({ now });
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const pendingPollMs = options.pendingPollMs ?? 25;
  const pendingTimeoutMs = options.pendingTimeoutMs ?? 10_000;
  for (const [name, value] of Object.entries({ retentionMs, pendingPollMs, pendingTimeoutMs })) {
    if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number`);
  }

  // Same-process duplicates wait on the first call rather than polling the backend.
  const inFlight = new Map<string, { digest: string; outcome: Promise<{ result: unknown; replayed: boolean }> }>();

  const conflict = (): ExtensionError =>
    new ExtensionError(
      "IDEMPOTENCY_CONFLICT",
      "this idempotency key was already used with different arguments; use a new key for a different request",
      { field: "idempotencyKey" },
    );

  const execute = async <T>(compositeKey: string, digest: string, fn: (attempt: { resumed: boolean }) => Promise<T>): Promise<{ result: T; replayed: boolean }> => {
    // Polls are counted rather than timed with `now`, so an injected frozen clock cannot wait forever.
    const maxPolls = Math.max(1, Math.ceil(pendingTimeoutMs / pendingPollMs));
    for (let polls = 0; ; polls++) {
      const claim = await backend.begin(compositeKey, digest, now() + retentionMs);
      if (claim.state === "new") {
        let result: T;
        // A leased claim is renewed while the operation runs, so only a dead worker's claim lapses.
        const renewal =
          backend.renew !== undefined && backend.leaseMs !== undefined
            ? setInterval(() => void backend.renew!(compositeKey).catch(() => undefined), Math.max(10, backend.leaseMs / 3))
            : undefined;
        try {
          result = await fn({ resumed: claim.resumed === true });
        } catch (error) {
          await backend.abort(compositeKey).catch(() => undefined);
          throw error;
        } finally {
          clearInterval(renewal);
        }
        // If storing fails the key stays claimed: refusing retries beats repeating the side effect.
        await backend.complete(compositeKey, result);
        return { result, replayed: false };
      }
      if (claim.digest !== digest) throw conflict();
      if (claim.state === "done") return { result: claim.result as T, replayed: true };
      if (polls >= maxPolls) {
        throw new ExtensionError(
          "IDEMPOTENCY_IN_PROGRESS",
          "a request with this idempotency key is still being processed; retry later with the same key",
          { field: "idempotencyKey" },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pendingPollMs));
    }
  };

  return {
    async run<T>(input: { scope: string; key: string; args: unknown }, fn: (attempt: { resumed: boolean }) => Promise<T>) {
      const { scope, key, args } = input;
      if (typeof key !== "string" || !KEY_PATTERN.test(key)) {
        throw new ExtensionError("IDEMPOTENCY_KEY_INVALID", "idempotency keys are 1 to 255 characters of letters, digits, '.', '_', ':' or '-'", {
          field: "idempotencyKey",
        });
      }
      if (typeof scope !== "string" || scope.includes("\u0000")) throw new TypeError("idempotency scope must be a string without NUL characters");
      const compositeKey = `${scope}\u0000${key}`;
      const digest = digestOf(args);

      // Everything up to here is synchronous, so concurrent calls see each other's entries.
      const running = inFlight.get(compositeKey);
      if (running !== undefined) {
        if (running.digest !== digest) throw conflict();
        const { result } = await running.outcome;
        return { result: result as T, replayed: true };
      }
      const outcome = execute(compositeKey, digest, fn);
      inFlight.set(compositeKey, { digest, outcome });
      try {
        return await outcome;
      } finally {
        if (inFlight.get(compositeKey)?.outcome === outcome) inFlight.delete(compositeKey);
      }
    },
  };
}
