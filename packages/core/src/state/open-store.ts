import { memoryStateStore } from "./memory-store.js";
import { postgresStateStore } from "./postgres-store.js";
import { sqliteStateStore } from "./sqlite-store.js";
import type { StateStore } from "./state-store.js";

/**
 * Options for {@link openStateStore}.
 *
 * @example
 * ```ts
 * const options: OpenStateStoreOptions = { url: process.env.DATABASE_URL, file: "state.sqlite" };
 * ```
 * @category State
 */
export interface OpenStateStoreOptions {
  /** `postgres://…` / `postgresql://…` (PostgreSQL), `memory:` (this process only), or a SQLite file path. Wins over `file`. */
  url?: string;
  /** SQLite file used when no `url` is given. */
  file?: string;
  /** PostgreSQL pool size (default 5). */
  poolSize?: number;
  /** Clock in epoch ms, injectable for tests. */
  now?: () => number;
}

/** Whether a connection string names PostgreSQL. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/**
 * Opens the shared state an application is configured with: PostgreSQL for a `postgres://` URL,
 * the in-memory engine for `memory:`, otherwise an SQLite file. With neither `url` nor `file`
 * the state lives in memory and is not shared with any other process.
 *
 * @example
 * ```ts
 * const state = await openStateStore({ url: process.env.DATABASE_URL, file: "state.sqlite" });
 * try { ... } finally { await state.close(); }
 * ```
 * @category State
 */
export async function openStateStore(options: OpenStateStoreOptions = {}): Promise<StateStore> {
  const now = options.now === undefined ? {} : { now: options.now };
  const target = options.url !== undefined && options.url !== "" ? options.url : options.file;
  if (target === undefined || target === "" || target === "memory:") return memoryStateStore(now);
  if (isPostgresUrl(target)) return postgresStateStore({ url: target, ...now, ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }) });
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) throw new TypeError("state URLs are postgres:// or postgresql:// URLs, memory:, or a file path");
  return sqliteStateStore({ file: target, ...now });
}
