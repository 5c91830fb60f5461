/**
 * The one interface for everything a replica must not keep alone: approvals, idempotency
 * records, audit chain appends, limit counters, task records and session state.
 *
 * Every engine (memory, embedded SQLite, PostgreSQL) offers the same few primitives, so each
 * safety feature is written once against them and works on one process or many replicas:
 * - versioned records per namespace, written with compare-and-set (`expectVersion`), so two
 *   replicas racing on one approval or task see exactly one winner;
 * - atomic counters (daily limits, rate limits);
 * - linked logs, appended under one lock across replicas (hash-chained audit trails).
 *
 * Values are JSON (objects, arrays, strings, numbers, booleans, null). Expired records read
 * as absent and may be purged at any time.
 */

/**
 * One record of shared state.
 *
 * @example
 * ```ts
 * const record: StateRecord<{ status: string }> | undefined = await state.get("approvals", id);
 * if (record?.value.status === "pending") { ... }
 * ```
 * @category State
 */
export interface StateRecord<T = unknown> {
  readonly namespace: string;
  readonly key: string;
  readonly value: T;
  /** Starts at 1 and grows by one on every write; compare-and-set writes name it. */
  readonly version: number;
  /** Epoch ms after which the record reads as absent; `null` keeps it until deleted. */
  readonly expiresAt: number | null;
  /** Epoch ms of the last write. */
  readonly updatedAt: number;
}

/**
 * How {@link StateStore.put} decides whether to write.
 *
 * @example
 * ```ts
 * const created = await state.put("tasks", id, task, { expectVersion: 0, expiresAt: Date.now() + ttlMs });
 * ```
 * @category State
 */
export interface PutOptions {
  /**
   * Write only if the record's current version is this one; `0` means the record must be
   * absent (or expired). Omitted: write unconditionally.
   */
  expectVersion?: number;
  /** Epoch ms expiry of the written record; `null` or omitted keeps it until deleted. */
  expiresAt?: number | null;
}

/**
 * Options for {@link StateStore.list}.
 *
 * @example
 * ```ts
 * const page = await state.list("approvals", { prefix: "finance:", after: lastKey, limit: 50 });
 * ```
 * @category State
 */
export interface ListOptions {
  /** Only keys starting with this string. */
  prefix?: string;
  /** Only keys sorting after this one (for paging); keys sort by code unit. */
  after?: string;
  /** At most this many records (default 100, at most 1000). */
  limit?: number;
}

/**
 * One entry of a linked log.
 *
 * @example
 * ```ts
 * const last: LogEntry<string> | undefined = (await state.readLog<string>("audit", { last: 1 }))[0];
 * ```
 * @category State
 */
export interface LogEntry<T = unknown> {
  /** 1 for the first entry, then consecutive. */
  readonly seq: number;
  readonly entry: T;
}

/**
 * Options for {@link StateStore.readLog}.
 *
 * @example
 * ```ts
 * for (const { seq, entry } of await state.readLog<string>("audit", { afterSeq: 0, limit: 500 })) { ... }
 * ```
 * @category State
 */
export interface ReadLogOptions {
  /** Entries with a greater seq (default 0: from the start). */
  afterSeq?: number;
  /** At most this many entries (default: all). */
  limit?: number;
  /** Instead of reading forward, the last `last` entries, in seq order. */
  last?: number;
}

/**
 * Which engine holds the state.
 * @category State
 */
export type StateEngine = "memory" | "sqlite" | "postgres";

/**
 * Shared state behind one interface; see the module comment for the model.
 *
 * Implementations MUST make `put` with `expectVersion`, `increment` and `appendLinked`
 * atomic across every process that opened the same store.
 *
 * @example
 * ```ts
 * const state = await openStateStore({ url: process.env.DATABASE_URL });
 * const won = await state.put("approvals", id, { status: "approved" }, { expectVersion: read.version });
 * if (won === undefined) throw new ExtensionError("APPROVAL_ALREADY_USED", "another request used this approval");
 * ```
 * @category State
 */
export interface StateStore {
  readonly engine: StateEngine;
  /** Reads one record; an expired record reads as absent. */
  get<T = unknown>(namespace: string, key: string): Promise<StateRecord<T> | undefined>;
  /** Writes a record; resolves it, or `undefined` when `expectVersion` did not match (another writer won). */
  put<T = unknown>(namespace: string, key: string, value: T, options?: PutOptions): Promise<StateRecord<T> | undefined>;
  /** Deletes a record (only at `expectVersion` when given); resolves whether it deleted one. */
  delete(namespace: string, key: string, options?: { expectVersion?: number }): Promise<boolean>;
  /** Live records of a namespace in key order. */
  list<T = unknown>(namespace: string, options?: ListOptions): Promise<StateRecord<T>[]>;
  /**
   * Adds `by` to a numeric counter (absent or expired counts as 0) and resolves the new total.
   * `expiresAt` applies when the counter is created (e.g. the end of the day it counts).
   */
  increment(namespace: string, key: string, by: number, options?: { expiresAt?: number | null }): Promise<number>;
  /**
   * Appends one entry to a log, composed from the last entry under a lock held across every
   * process sharing the store, so concurrent appenders form one chain.
   */
  appendLinked<T = unknown>(log: string, compose: (last: LogEntry<T> | undefined) => T): Promise<LogEntry<T>>;
  /** Reads entries of a log in seq order. */
  readLog<T = unknown>(log: string, options?: ReadLogOptions): Promise<LogEntry<T>[]>;
  /** Deletes expired records now; resolves how many. Engines also purge on their own. */
  purgeExpired(): Promise<number>;
  /** Releases connections and file handles; the store is unusable afterwards. */
  close(): Promise<void>;
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/;
const MAX_KEY_LENGTH = 512;
/** Largest page {@link StateStore.list} returns. */
export const MAX_LIST_LIMIT = 1000;

/**
 * Checks a namespace or log name: 1–100 characters of letters, digits and `._:/-`.
 * @throws TypeError when it is not one.
 * @category State
 */
export function assertStateName(name: string, what: "namespace" | "log"): void {
  if (typeof name !== "string" || !NAME_PATTERN.test(name)) {
    throw new TypeError(`${what} must be 1 to 100 characters of letters, digits and ._:/- starting with a letter or digit`);
  }
}

/**
 * Checks a record key: a non-empty string of at most 512 characters without NUL.
 * @throws TypeError when it is not one.
 * @category State
 */
export function assertStateKey(key: string): void {
  if (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_LENGTH || key.includes("\u0000")) {
    throw new TypeError("state keys are 1 to 512 characters without NUL");
  }
}

/** The page size a {@link ListOptions.limit} asks for, clamped to 1..MAX_LIST_LIMIT. */
export function listLimit(limit: number | undefined): number {
  if (limit === undefined) return 100;
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError("limit must be a positive integer");
  return Math.min(limit, MAX_LIST_LIMIT);
}

/**
 * Reads, changes and writes one record with compare-and-set, retrying when another writer
 * wins in between. `change` gets the current value (or `undefined`) and returns the new one,
 * or `undefined` to leave the record as it is.
 *
 * @example
 * ```ts
 * const decided = await updateRecord(state, "approvals", id, (current) =>
 *   current?.status === "pending" ? { ...current, status: "approved" } : undefined,
 * );
 * ```
 * @throws Error when the record keeps changing under it for `attempts` tries.
 * @category State
 */
export async function updateRecord<T>(
  state: StateStore,
  namespace: string,
  key: string,
  change: (current: T | undefined, record: StateRecord<T> | undefined) => T | undefined,
  options: { expiresAt?: number | null; attempts?: number } = {},
): Promise<StateRecord<T> | undefined> {
  const attempts = options.attempts ?? 20;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const record = await state.get<T>(namespace, key);
    const next = change(record?.value, record);
    if (next === undefined) return record;
    const expiresAt = options.expiresAt !== undefined ? options.expiresAt : (record?.expiresAt ?? null);
    const written = await state.put<T>(namespace, key, next, { expectVersion: record?.version ?? 0, expiresAt });
    if (written !== undefined) return written;
  }
  throw new Error(`state record ${namespace}/${key} kept changing; gave up after ${attempts} attempts`);
}
