import { assertKnownSchema, LATEST_STATE_SCHEMA, MIGRATIONS_TABLE, STATE_MIGRATIONS } from "./migrations.js";
import { encodeValue, expectedVersion, expiryOf, listQuery, logWindow, PURGE_INTERVAL_MS } from "./sql-values.js";
import { assertStateKey, assertStateName, type LogEntry, type StateRecord, type StateStore } from "./state-store.js";

/**
 * The part of a `pg` connection (a `Pool` or a checked-out client) the PostgreSQL engine uses.
 *
 * @example
 * ```ts
 * const connection: PostgresQueryable = await pool.connect();
 * ```
 * @category State
 */
export interface PostgresQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
}

/**
 * The part of a `pg.Pool` the PostgreSQL engine uses, so an application can share its own pool.
 *
 * @example
 * ```ts
 * import pg from "pg";
 * const pool: PostgresPoolLike = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * ```
 * @category State
 */
export interface PostgresPoolLike extends PostgresQueryable {
  connect(): Promise<PostgresQueryable & { release(error?: Error | boolean): void }>;
}

/**
 * Options for {@link postgresStateStore}: a connection URL (the store owns its pool) or a pool
 * the caller owns and ends.
 *
 * @example
 * ```ts
 * const options: PostgresStateStoreOptions = { url: "postgres://mcp@db.internal/mcp", poolSize: 10 };
 * ```
 * @category State
 */
export interface PostgresStateStoreOptions {
  /** `postgres://` or `postgresql://` URL. */
  url?: string;
  /** An existing pool; {@link StateStore.close} then leaves it open. */
  pool?: PostgresPoolLike;
  /** Connections in the pool the store creates from `url` (default 5). */
  poolSize?: number;
  /** Clock in epoch ms, injectable for tests. */
  now?: () => number;
}

// Advisory lock classes (two-int form), distinct from any single-bigint locks an application takes.
const MIGRATION_LOCK = 727_301;
const LOG_LOCK = 727_302;

type Row = { key: string; value: string; version: number; expires_at: string | null; updated_at: string };

const toNumber = (value: unknown): number => (typeof value === "number" ? value : Number(value));

/**
 * The {@link StateStore} for replicas: any number of processes on any number of machines share
 * one PostgreSQL database. Compare-and-set is one row-level statement (`INSERT … ON CONFLICT` or
 * `UPDATE … WHERE version = $n`), linked appends hold a per-log `pg_advisory_xact_lock`, and the
 * schema is migrated at open under an advisory lock so replicas may start together.
 * `pg` is loaded only when this is called.
 *
 * @example
 * ```ts
 * const state = await postgresStateStore({ url: process.env.DATABASE_URL! });
 * const counted = await state.increment("limits", "payments:2026-12-01", 1);
 * ```
 * @category State
 */
export async function postgresStateStore(options: PostgresStateStoreOptions): Promise<StateStore> {
  let pool: PostgresPoolLike;
  let ownsPool = false;
  if (options.pool !== undefined) {
    pool = options.pool;
  } else if (options.url !== undefined) {
    const pg = (await import("pg")).default;
    const created = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 5 });
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    created.on("error", () => undefined);
    pool = created as unknown as PostgresPoolLike;
    ownsPool = true;
  } else {
    throw new TypeError("postgresStateStore needs a url or a pool");
  }
  try {
    await migrate(pool);
  } catch (error) {
    if (ownsPool) await (pool as unknown as { end(): Promise<void> }).end().catch(() => undefined);
    throw error;
  }
  return createPostgresStore(pool, ownsPool, options.now ?? Date.now);
}

async function transaction<T>(pool: PostgresPoolLike, fn: (client: PostgresQueryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    client.release();
    return result;
  } catch (error) {
    let broken = false;
    await client.query("ROLLBACK").catch(() => {
      broken = true;
    });
    client.release(broken);
    throw error;
  }
}

async function migrate(pool: PostgresPoolLike): Promise<void> {
  await transaction(pool, async (client) => {
    // Replicas starting together queue here; the first migrates, the rest find it done.
    await client.query("SELECT pg_advisory_xact_lock($1, 0)", [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
    const { rows } = await client.query(`SELECT MAX(version) AS version FROM ${MIGRATIONS_TABLE}`);
    const applied = rows[0]?.version === null || rows[0]?.version === undefined ? 0 : toNumber(rows[0].version);
    assertKnownSchema(applied);
    if (applied === LATEST_STATE_SCHEMA) return;
    for (const migration of STATE_MIGRATIONS) {
      if (migration.version <= applied) continue;
      for (const statement of migration.postgres) await client.query(statement);
      await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, applied_at) VALUES ($1, $2, $3)`, [migration.version, migration.name, Date.now()]);
    }
  });
}

function createPostgresStore(pool: PostgresPoolLike, ownsPool: boolean, now: () => number): StateStore {
  let closed = false;
  const open = (): void => {
    if (closed) throw new Error("the state store is closed");
  };
  const toRecord = <T>(namespace: string, row: Row): StateRecord<T> => ({
    namespace,
    key: row.key,
    value: JSON.parse(row.value) as T,
    version: toNumber(row.version),
    expiresAt: row.expires_at === null ? null : toNumber(row.expires_at),
    updatedAt: toNumber(row.updated_at),
  });
  const EXPIRED = "r.expires_at IS NOT NULL AND r.expires_at <= $5";

  const purgeExpired = async (): Promise<number> =>
    (await pool.query("DELETE FROM mcp_state_records WHERE expires_at IS NOT NULL AND expires_at <= $1", [now()])).rowCount ?? 0;
  const purgeTimer = setInterval(() => {
    purgeExpired().catch(() => undefined);
  }, PURGE_INTERVAL_MS);
  purgeTimer.unref();

  return {
    engine: "postgres",

    async get<T>(namespace: string, key: string) {
      open();
      assertStateName(namespace, "namespace");
      assertStateKey(key);
      const { rows } = await pool.query(
        "SELECT key, value, version, expires_at, updated_at FROM mcp_state_records WHERE namespace = $1 AND key = $2 AND (expires_at IS NULL OR expires_at > $3)",
        [namespace, key, now()],
      );
      return rows[0] === undefined ? undefined : toRecord<T>(namespace, rows[0] as Row);
    },

    async put<T>(namespace: string, key: string, value: T, putOptions: { expectVersion?: number; expiresAt?: number | null } = {}) {
      open();
      assertStateName(namespace, "namespace");
      assertStateKey(key);
      const text = encodeValue(value);
      const expiresAt = expiryOf(putOptions.expiresAt);
      const expect = expectedVersion(putOptions.expectVersion);
      const time = now();
      let result;
      if (expect === undefined) {
        result = await pool.query(
          `INSERT INTO mcp_state_records AS r (namespace, key, value, version, expires_at, updated_at) VALUES ($1, $2, $3, 1, $4, $5)
           ON CONFLICT (namespace, key) DO UPDATE SET value = EXCLUDED.value,
             version = CASE WHEN ${EXPIRED} THEN 1 ELSE r.version + 1 END,
             expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at
           RETURNING version`,
          [namespace, key, text, expiresAt, time],
        );
      } else if (expect === 0) {
        // Absent, or present but expired: an expired record counts as absent.
        result = await pool.query(
          `INSERT INTO mcp_state_records AS r (namespace, key, value, version, expires_at, updated_at) VALUES ($1, $2, $3, 1, $4, $5)
           ON CONFLICT (namespace, key) DO UPDATE SET value = EXCLUDED.value, version = 1, expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at
           WHERE ${EXPIRED}
           RETURNING version`,
          [namespace, key, text, expiresAt, time],
        );
      } else {
        result = await pool.query(
          `UPDATE mcp_state_records SET value = $3, version = version + 1, expires_at = $4, updated_at = $5
           WHERE namespace = $1 AND key = $2 AND version = $6 AND (expires_at IS NULL OR expires_at > $5) RETURNING version`,
          [namespace, key, text, expiresAt, time, expect],
        );
      }
      const row = result.rows[0];
      if (row === undefined) return undefined;
      return { namespace, key, value: JSON.parse(text) as T, version: toNumber(row.version), expiresAt, updatedAt: time };
    },

    async delete(namespace, key, deleteOptions = {}) {
      open();
      assertStateName(namespace, "namespace");
      assertStateKey(key);
      const expect = expectedVersion(deleteOptions.expectVersion);
      const result = await pool.query(
        `DELETE FROM mcp_state_records WHERE namespace = $1 AND key = $2 AND (expires_at IS NULL OR expires_at > $3) AND ($4::integer IS NULL OR version = $4)`,
        [namespace, key, now(), expect ?? null],
      );
      return (result.rowCount ?? 0) > 0;
    },

    async list<T>(namespace: string, listOptions: { prefix?: string; after?: string; limit?: number } = {}) {
      open();
      assertStateName(namespace, "namespace");
      const { prefix, after, limit } = listQuery(listOptions);
      const { rows } = await pool.query(
        `SELECT key, value, version, expires_at, updated_at FROM mcp_state_records
         WHERE namespace = $1 AND (expires_at IS NULL OR expires_at > $2)
           AND ($3::text IS NULL OR key > $3)
           AND ($4::text IS NULL OR (key >= $4 AND starts_with(key, $4)))
         ORDER BY key LIMIT $5`,
        [namespace, now(), after ?? null, prefix ?? null, limit],
      );
      return rows.map((row) => toRecord<T>(namespace, row as Row));
    },

    async increment(namespace, key, by, incrementOptions = {}) {
      open();
      assertStateName(namespace, "namespace");
      assertStateKey(key);
      if (!Number.isFinite(by)) throw new TypeError("increment must be a finite number");
      const expiresAt = expiryOf(incrementOptions.expiresAt);
      // One statement, so concurrent increments serialise on the row; float8 adds as JavaScript does.
      const { rows } = await pool.query(
        `INSERT INTO mcp_state_records AS r (namespace, key, value, version, expires_at, updated_at) VALUES ($1, $2, $3, 1, $4, $5)
         ON CONFLICT (namespace, key) DO UPDATE SET
           value = CASE WHEN ${EXPIRED} OR jsonb_typeof(r.value::jsonb) <> 'number' THEN EXCLUDED.value
                        ELSE ((r.value::float8) + $6::float8)::text END,
           version = CASE WHEN ${EXPIRED} THEN 1 ELSE r.version + 1 END,
           expires_at = CASE WHEN ${EXPIRED} THEN EXCLUDED.expires_at ELSE r.expires_at END,
           updated_at = EXCLUDED.updated_at
         RETURNING value`,
        [namespace, key, encodeValue(by), expiresAt, now(), by],
      );
      return JSON.parse(String(rows[0]!.value)) as number;
    },

    async appendLinked<T>(log: string, compose: (last: LogEntry<T> | undefined) => T) {
      open();
      assertStateName(log, "log");
      return transaction(pool, async (client) => {
        // One appender per log at a time across every replica; the primary key backs it up.
        await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [LOG_LOCK, log]);
        const { rows } = await client.query("SELECT seq, entry FROM mcp_state_logs WHERE log = $1 ORDER BY seq DESC LIMIT 1", [log]);
        const row = rows[0] as { seq: string; entry: string } | undefined;
        const last = row === undefined ? undefined : { seq: toNumber(row.seq), entry: JSON.parse(row.entry) as T };
        const entry = compose(last);
        const text = encodeValue(entry);
        const seq = (last?.seq ?? 0) + 1;
        await client.query("INSERT INTO mcp_state_logs (log, seq, entry) VALUES ($1, $2, $3)", [log, seq, text]);
        return { seq, entry: JSON.parse(text) as T };
      });
    },

    async readLog<T>(log: string, readOptions = {}) {
      open();
      assertStateName(log, "log");
      const { afterSeq, limit, last } = logWindow(readOptions);
      let rows: { seq: string; entry: string }[];
      if (last !== undefined) {
        rows = (await pool.query("SELECT seq, entry FROM mcp_state_logs WHERE log = $1 ORDER BY seq DESC LIMIT $2", [log, last])).rows.reverse() as typeof rows;
        if (limit !== undefined) rows = rows.slice(0, limit);
      } else {
        rows = (await pool.query("SELECT seq, entry FROM mcp_state_logs WHERE log = $1 AND seq > $2 ORDER BY seq LIMIT $3", [log, afterSeq, limit ?? null]))
          .rows as typeof rows;
      }
      return rows.map((row) => ({ seq: toNumber(row.seq), entry: JSON.parse(row.entry) as T }));
    },

    async purgeExpired() {
      open();
      return purgeExpired();
    },

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(purgeTimer);
      if (ownsPool) await (pool as unknown as { end(): Promise<void> }).end();
    },
  };
}
