import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { assertKnownSchema, LATEST_STATE_SCHEMA, MIGRATIONS_TABLE, STATE_MIGRATIONS } from "./migrations.js";
import { encodeValue, expectedVersion, expiryOf, listQuery, logWindow, PURGE_INTERVAL_MS } from "./sql-values.js";
import { assertStateKey, assertStateName, type LogEntry, type StateRecord, type StateStore } from "./state-store.js";

/**
 * Options for {@link sqliteStateStore}.
 *
 * @example
 * ```ts
 * const options: SqliteStateStoreOptions = { file: "/var/lib/mcp/state.sqlite", busyTimeoutMs: 10_000 };
 * ```
 * @category State
 */
export interface SqliteStateStoreOptions {
  /** Database file (its directory is created); `:memory:` for a private in-memory database. */
  file: string;
  /** How long a writer waits for another process's write lock before failing (default 10 s). */
  busyTimeoutMs?: number;
  /** Clock in epoch ms, injectable for tests. */
  now?: () => number;
}

type Row = { key: string; value: string; version: number; expires_at: number | null; updated_at: number };

/**
 * The embedded {@link StateStore}: one SQLite file (WAL) that several processes on one machine
 * may open at once. Every compare-and-set, increment and linked append runs in a
 * `BEGIN IMMEDIATE` transaction, so it is atomic across those processes; the schema is
 * migrated at open under the same lock. better-sqlite3 is loaded only when this is called.
 *
 * @example
 * ```ts
 * const state = await sqliteStateStore({ file: "state.sqlite" });
 * await state.put("approvals", "a1", { status: "pending" }, { expectVersion: 0 });
 * await state.close();
 * ```
 * @category State
 */
export async function sqliteStateStore(options: SqliteStateStoreOptions): Promise<StateStore> {
  const Database = (await import("better-sqlite3")).default;
  if (options.file !== ":memory:" && !options.file.startsWith("file:")) mkdirSync(dirname(options.file), { recursive: true });
  const db: BetterSqlite3.Database = new Database(options.file);
  try {
    // The busy timeout first: switching to WAL needs a lock another opener may hold.
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 10_000))}`);
    if (options.file !== ":memory:") db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return createSqliteStore(db, options.now ?? Date.now);
}

function migrate(db: BetterSqlite3.Database): void {
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
    const row = db.prepare(`SELECT MAX(version) AS version FROM ${MIGRATIONS_TABLE}`).get() as { version: number | null };
    const applied = row.version ?? 0;
    assertKnownSchema(applied);
    if (applied === LATEST_STATE_SCHEMA) return;
    for (const migration of STATE_MIGRATIONS) {
      if (migration.version <= applied) continue;
      for (const statement of migration.sqlite) db.exec(statement);
      db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, applied_at) VALUES (?, ?, ?)`).run(migration.version, migration.name, Date.now());
    }
  }).immediate();
}

function createSqliteStore(db: BetterSqlite3.Database, now: () => number): StateStore {
  let closed = false;
  const open = (): void => {
    if (closed) throw new Error("the state store is closed");
  };
  const statements = new Map<string, BetterSqlite3.Statement>();
  const sql = (text: string): BetterSqlite3.Statement => {
    let statement = statements.get(text);
    if (statement === undefined) {
      statement = db.prepare(text);
      statements.set(text, statement);
    }
    return statement;
  };
  // Writes take the write lock up front, so a read inside can never be stale when it writes.
  const immediate = <T>(fn: () => T): T => db.transaction(fn).immediate();
  const toRecord = <T>(namespace: string, row: Row): StateRecord<T> => ({
    namespace,
    key: row.key,
    value: JSON.parse(row.value) as T,
    version: row.version,
    expiresAt: row.expires_at,
    updatedAt: row.updated_at,
  });
  const LIVE = "(expires_at IS NULL OR expires_at > ?)";

  const purgeExpired = (): number => immediate(() => sql("DELETE FROM mcp_state_records WHERE expires_at IS NOT NULL AND expires_at <= ?").run(now()).changes);
  const purgeTimer = setInterval(() => {
    try {
      purgeExpired();
    } catch {
      // A busy database skips one purge; expired records already read as absent.
    }
  }, PURGE_INTERVAL_MS);
  purgeTimer.unref();

  return {
    engine: "sqlite",

    async get<T>(namespace: string, key: string) {
      open();
      assertStateName(namespace, "namespace");
      assertStateKey(key);
      const row = sql(`SELECT key, value, version, expires_at, updated_at FROM mcp_state_records WHERE namespace = ? AND key = ? AND ${LIVE}`).get(
        namespace,
        key,
        now(),
      ) as Row | undefined;
      return row === undefined ? undefined : toRecord<T>(namespace, row);
    },

    async put<T>(namespace: string, key: string, value: T, putOptions: { expectVersion?: number; expiresAt?: number | null } = {}) {
      open();
      assertStateName(namespace, "namespace");
      assertStateKey(key);
      const text = encodeValue(value);
      const expiresAt = expiryOf(putOptions.expiresAt);
      const expect = expectedVersion(putOptions.expectVersion);
      const time = now();
      const written = immediate(() => {
        if (expect === undefined) {
          return sql(
            `INSERT INTO mcp_state_records (namespace, key, value, version, expires_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)
             ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value,
               version = CASE WHEN mcp_state_records.expires_at IS NOT NULL AND mcp_state_records.expires_at <= ? THEN 1 ELSE mcp_state_records.version + 1 END,
               expires_at = excluded.expires_at, updated_at = excluded.updated_at
             RETURNING version`,
          ).get(namespace, key, text, expiresAt, time, time) as { version: number } | undefined;
        }
        if (expect === 0) {
          // Absent, or present but expired: an expired record counts as absent.
          return sql(
            `INSERT INTO mcp_state_records (namespace, key, value, version, expires_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)
             ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, version = 1, expires_at = excluded.expires_at, updated_at = excluded.updated_at
             WHERE mcp_state_records.expires_at IS NOT NULL AND mcp_state_records.expires_at <= ?
             RETURNING version`,
          ).get(namespace, key, text, expiresAt, time, time) as { version: number } | undefined;
        }
        return sql(
          `UPDATE mcp_state_records SET value = ?, version = version + 1, expires_at = ?, updated_at = ?
           WHERE namespace = ? AND key = ? AND version = ? AND ${LIVE} RETURNING version`,
        ).get(text, expiresAt, time, namespace, key, expect, time) as { version: number } | undefined;
      });
      if (written === undefined) return undefined;
      return { namespace, key, value: JSON.parse(text) as T, version: written.version, expiresAt, updatedAt: time };
    },

    async delete(namespace, key, deleteOptions = {}) {
      open();
      assertStateName(namespace, "namespace");
      assertStateKey(key);
      const expect = expectedVersion(deleteOptions.expectVersion);
      const changes = immediate(() =>
        expect === undefined
          ? sql(`DELETE FROM mcp_state_records WHERE namespace = ? AND key = ? AND ${LIVE}`).run(namespace, key, now()).changes
          : sql(`DELETE FROM mcp_state_records WHERE namespace = ? AND key = ? AND version = ? AND ${LIVE}`).run(namespace, key, expect, now()).changes,
      );
      return changes > 0;
    },

    async list<T>(namespace: string, listOptions: { prefix?: string; after?: string; limit?: number } = {}) {
      open();
      assertStateName(namespace, "namespace");
      const { prefix, after, limit } = listQuery(listOptions);
      const rows = sql(
        `SELECT key, value, version, expires_at, updated_at FROM mcp_state_records
         WHERE namespace = ? AND ${LIVE}
           AND (? IS NULL OR key > ?)
           AND (? IS NULL OR (key >= ? AND substr(key, 1, length(?)) = ?))
         ORDER BY key LIMIT ?`,
      ).all(namespace, now(), after ?? null, after ?? null, prefix ?? null, prefix ?? null, prefix ?? null, prefix ?? null, limit) as Row[];
      return rows.map((row) => toRecord<T>(namespace, row));
    },

    async increment(namespace, key, by, incrementOptions = {}) {
      open();
      assertStateName(namespace, "namespace");
      assertStateKey(key);
      if (!Number.isFinite(by)) throw new TypeError("increment must be a finite number");
      const expiresAt = expiryOf(incrementOptions.expiresAt);
      return immediate(() => {
        const time = now();
        const current = sql(`SELECT value, version, expires_at FROM mcp_state_records WHERE namespace = ? AND key = ? AND ${LIVE}`).get(
          namespace,
          key,
          time,
        ) as Pick<Row, "value" | "version" | "expires_at"> | undefined;
        const previous = current === undefined ? 0 : (JSON.parse(current.value) as unknown);
        const total = (typeof previous === "number" ? previous : 0) + by;
        sql(
          `INSERT INTO mcp_state_records (namespace, key, value, version, expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, version = excluded.version, expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
        ).run(namespace, key, encodeValue(total), (current?.version ?? 0) + 1, current ? current.expires_at : expiresAt, time);
        return total;
      });
    },

    async appendLinked<T>(log: string, compose: (last: LogEntry<T> | undefined) => T) {
      open();
      assertStateName(log, "log");
      return immediate(() => {
        const row = sql("SELECT seq, entry FROM mcp_state_logs WHERE log = ? ORDER BY seq DESC LIMIT 1").get(log) as { seq: number; entry: string } | undefined;
        const last = row === undefined ? undefined : { seq: row.seq, entry: JSON.parse(row.entry) as T };
        const entry = compose(last);
        const text = encodeValue(entry);
        const seq = (row?.seq ?? 0) + 1;
        sql("INSERT INTO mcp_state_logs (log, seq, entry) VALUES (?, ?, ?)").run(log, seq, text);
        return { seq, entry: JSON.parse(text) as T };
      });
    },

    async readLog<T>(log: string, readOptions = {}) {
      open();
      assertStateName(log, "log");
      const { afterSeq, limit, last } = logWindow(readOptions);
      let rows: { seq: number; entry: string }[];
      if (last !== undefined) {
        rows = (sql("SELECT seq, entry FROM mcp_state_logs WHERE log = ? ORDER BY seq DESC LIMIT ?").all(log, last) as typeof rows).reverse();
        if (limit !== undefined) rows = rows.slice(0, limit);
      } else {
        rows = sql("SELECT seq, entry FROM mcp_state_logs WHERE log = ? AND seq > ? ORDER BY seq LIMIT ?").all(log, afterSeq, limit ?? -1) as typeof rows;
      }
      return rows.map((row) => ({ seq: row.seq, entry: JSON.parse(row.entry) as T }));
    },

    async purgeExpired() {
      open();
      return purgeExpired();
    },

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(purgeTimer);
      db.close();
    },
  };
}
