import pg from "pg";
import type { SqlDriver, SqlExecutor } from "./sql-driver.js";

/** Rewrites `?` placeholders to PostgreSQL's `$1, $2, …` (the SQL here never has `?` in literals). */
function numbered(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

const bind = (params: readonly unknown[]): unknown[] =>
  params.map((value) => (typeof value === "bigint" ? value.toString() : typeof value === "boolean" ? (value ? 1 : 0) : value === undefined ? null : value));

function executorFor(client: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    async all(sql, params = []) {
      const result = await client.query(numbered(sql), bind(params));
      return result.rows as Array<Record<string, unknown>>;
    },
    async run(sql, params = []) {
      const result = await client.query(numbered(sql), bind(params));
      return result.rowCount ?? 0;
    },
  };
}

/** A `pg` pool behind the async driver surface; BIGINT and NUMERIC arrive as strings and are parsed to BigInt by the storage. */
export function openPostgresDriver(connectionString: string, options: { max?: number } = {}): SqlDriver {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 5 });
  // Idle-client errors (e.g. the server restarting) must not crash the process.
  pool.on("error", () => undefined);
  const executor = executorFor(pool);
  return {
    engine: "postgres",
    all: executor.all,
    run: executor.run,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn(executorFor(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
