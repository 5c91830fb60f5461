import Database from "better-sqlite3";
import type { SqlDriver, SqlExecutor } from "./sql-driver.js";

/**
 * better-sqlite3 behind the async driver surface: WAL, foreign keys, BigInt for every integer
 * (so no amount ever passes through a float), and one transaction at a time per connection.
 */
export function openSqliteDriver(path: string): SqlDriver {
  const db = new Database(path);
  db.defaultSafeIntegers(true);
  if (path !== ":memory:") db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  db.pragma("synchronous = NORMAL");
  const cache = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let statement = cache.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
  const bind = (params: readonly unknown[]): unknown[] => params.map((value) => (typeof value === "boolean" ? (value ? 1 : 0) : value === undefined ? null : value));
  const executor: SqlExecutor = {
    async all(sql, params = []) {
      return prepare(sql).all(...bind(params)) as Array<Record<string, unknown>>;
    },
    async run(sql, params = []) {
      const statement = prepare(sql);
      if (!statement.reader) return Number(statement.run(...bind(params)).changes);
      statement.all(...bind(params));
      return 0;
    },
  };
  // One connection serves one transaction at a time; async callers queue here.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    engine: "sqlite",
    all: (sql, params) => exclusive(() => executor.all(sql, params)),
    run: (sql, params) => exclusive(() => executor.run(sql, params)),
    transaction: (fn) =>
      exclusive(async () => {
        db.exec("BEGIN IMMEDIATE");
        try {
          const result = await fn(executor);
          db.exec("COMMIT");
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec("ROLLBACK");
          throw error;
        }
      }),
    close: async () => {
      await queue;
      db.close();
    },
  };
}

/** Runs a batch of DDL statements. */
export function sqliteExecScript(driver: SqlDriver, script: string): Promise<void> {
  return driver.transaction(async (sql) => {
    for (const statement of splitScript(script)) await sql.run(statement);
  });
}

/** Splits a DDL script on `;` at line ends, keeping trigger bodies (which end in `END;`) whole. */
export function splitScript(script: string): string[] {
  const statements: string[] = [];
  let current = "";
  let inTrigger = false;
  for (const line of script.split("\n")) {
    current += `${line}\n`;
    if (/^\s*CREATE TRIGGER/i.test(line)) inTrigger = true;
    const trimmed = line.trim();
    if (inTrigger ? /^END;$/i.test(trimmed) : trimmed.endsWith(";")) {
      if (current.trim().length > 0) statements.push(current.trim());
      current = "";
      inTrigger = false;
    }
  }
  if (current.trim().length > 0) statements.push(current.trim());
  return statements;
}
