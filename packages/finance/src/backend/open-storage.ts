import type { FinanceStorage } from "./finance-storage.js";
import { DEMO_ACCOUNTS, DEMO_COUNTERPARTIES, demoEntries, demoPayments } from "./demo-company.js";
import { openPostgresDriver } from "./postgres-driver.js";
import { POSTGRES_SCHEMA, SCHEMA_MIGRATIONS, SQLITE_SCHEMA } from "./schema-sql.js";
import { insertPayment } from "./sql-storage.js";
import type { SqlDriver, SqlExecutor } from "./sql-driver.js";
import { openSqliteDriver, splitScript } from "./sqlite-driver.js";
import { createSqlStorage } from "./sql-storage.js";

/** Options for {@link openFinanceStorage}. */
export interface OpenStorageOptions {
  /** Seed the demo company into an empty database (default true). */
  seed?: boolean;
  /** PostgreSQL pool size (default 5). */
  poolSize?: number;
}

/** Whether a `--database` value names PostgreSQL rather than a SQLite file. */
export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database);
}

async function seedDemo(sql: SqlExecutor): Promise<void> {
  for (const account of DEMO_ACCOUNTS) {
    await sql.run("INSERT INTO accounts (id, code, name, type, currency, role, iban, bic, institution) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
      account.id,
      account.code,
      account.name,
      account.type,
      account.currency,
      account.role,
      account.iban,
      account.bic,
      account.institution,
    ]);
  }
  for (const counterparty of DEMO_COUNTERPARTIES) {
    await sql.run("INSERT INTO counterparties (id, name, iban, bic, country, allowlisted) VALUES (?, ?, ?, ?, ?, ?)", [
      counterparty.id,
      counterparty.name,
      counterparty.iban,
      counterparty.bic,
      counterparty.country,
      counterparty.allowlisted ? 1 : 0,
    ]);
  }
  for (const entry of demoEntries()) {
    let line = 0;
    for (const posting of entry.postings) {
      await sql.run("INSERT INTO postings (entry_id, line, account_id, amount_minor, currency, date, status) VALUES (?, ?, ?, ?, ?, ?, ?)", [
        entry.id,
        line++,
        posting.accountId,
        posting.amountMinor,
        posting.currency,
        entry.date,
        entry.status,
      ]);
    }
    await sql.run("INSERT INTO entries (id, date, description, status, counterparty_id, reference, source_kind) VALUES (?, ?, ?, ?, ?, ?, ?)", [
      entry.id,
      entry.date,
      entry.description,
      entry.status,
      entry.counterpartyId,
      entry.reference,
      entry.sourceKind,
    ]);
  }
  for (const payment of demoPayments()) await insertPayment(sql, payment);
}

/** Brings the schema to the latest {@link SCHEMA_MIGRATIONS} version; a newer database is left as it is. */
async function applyMigrations(sql: SqlExecutor): Promise<void> {
  const [row] = await sql.all("SELECT value FROM meta WHERE key = 'schema_version'");
  const current = row === undefined ? 1 : Number(row.value);
  let version = current;
  for (const migration of SCHEMA_MIGRATIONS) {
    if (migration.version <= version) continue;
    for (const statement of migration.statements) await sql.run(statement);
    version = migration.version;
  }
  if (version !== current) {
    await sql.run("INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [String(version)]);
  }
}

async function migrate(driver: SqlDriver, seed: boolean): Promise<void> {
  await driver.transaction(async (sql) => {
    if (driver.engine === "postgres") {
      // Several replicas may start at once: one migrates, the others wait here.
      await sql.run("SELECT pg_advisory_xact_lock(727274)");
      await sql.run(POSTGRES_SCHEMA);
    } else {
      for (const statement of splitScript(SQLITE_SCHEMA)) await sql.run(statement);
    }
    await applyMigrations(sql);
    if (!seed) return;
    const [seeded] = await sql.all("SELECT value FROM meta WHERE key = 'seeded'");
    const [accounts] = await sql.all("SELECT COUNT(*) AS n FROM accounts");
    if (seeded === undefined && Number(accounts?.n ?? 0) === 0) {
      await seedDemo(sql);
      await sql.run("INSERT INTO meta (key, value) VALUES ('seeded', 'demo-company-v1')");
    }
  });
}

/**
 * Opens the finance storage: `:memory:` or a file path → SQLite (WAL, BigInt integers);
 * `postgres://…` → PostgreSQL. Creates the schema, then seeds the demo company into an empty database.
 *
 * @example
 * ```ts
 * const storage = await openFinanceStorage("finance.db");
 * const { items } = await storage.listAccounts({}, 0, 10);
 * ```
 */
export async function openFinanceStorage(database = ":memory:", options: OpenStorageOptions = {}): Promise<FinanceStorage> {
  const driver = isPostgresUrl(database) ? openPostgresDriver(database, { max: options.poolSize ?? 5 }) : openSqliteDriver(database);
  try {
    await migrate(driver, options.seed ?? true);
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
  return createSqlStorage(driver);
}
