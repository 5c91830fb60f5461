/**
 * Table definitions shared by both engines, then each engine's enforcement of the ledger
 * invariant. Postings are written before their entry row; the entry row seals them.
 */
const TABLES = (bigint: string, autoId: string): string => `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
  id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('asset','liability','equity','income','expense')),
  currency TEXT NOT NULL, role TEXT, iban TEXT, bic TEXT, institution TEXT);
CREATE TABLE IF NOT EXISTS counterparties (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, iban TEXT, bic TEXT, country TEXT, allowlisted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS entries (
  id TEXT PRIMARY KEY, date TEXT NOT NULL, description TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('booked','pending')),
  counterparty_id TEXT, reference TEXT, end_to_end_id TEXT, reversal_of TEXT,
  source_kind TEXT NOT NULL, source_ref TEXT, bank_account_id TEXT, bank_ref TEXT);
CREATE UNIQUE INDEX IF NOT EXISTS entries_bank_ref ON entries (bank_account_id, bank_ref);
CREATE INDEX IF NOT EXISTS entries_date ON entries (date, id);
CREATE TABLE IF NOT EXISTS postings (
  entry_id TEXT NOT NULL REFERENCES entries (id) DEFERRABLE INITIALLY DEFERRED,
  line INTEGER NOT NULL, account_id TEXT NOT NULL REFERENCES accounts (id),
  amount_minor ${bigint} NOT NULL, currency TEXT NOT NULL, date TEXT NOT NULL, status TEXT NOT NULL,
  PRIMARY KEY (entry_id, line));
CREATE INDEX IF NOT EXISTS postings_account ON postings (account_id, date);
CREATE TABLE IF NOT EXISTS payments (
  id TEXT PRIMARY KEY, status TEXT NOT NULL, debtor_account_id TEXT NOT NULL REFERENCES accounts (id),
  creditor_counterparty_id TEXT, creditor_name TEXT NOT NULL, creditor_iban TEXT NOT NULL, creditor_bic TEXT,
  amount_minor ${bigint} NOT NULL CHECK (amount_minor > 0), currency TEXT NOT NULL, end_to_end_id TEXT NOT NULL,
  execution_date TEXT NOT NULL, remittance TEXT, digest TEXT NOT NULL, created_at TEXT NOT NULL,
  transaction_id TEXT, executed_on TEXT);
`;

/** SQLite: the entry row is inserted after its postings; its insert trigger refuses an unbalanced set, and deferred foreign keys refuse orphan postings at COMMIT. */
export const SQLITE_SCHEMA = `${TABLES("INTEGER", "INTEGER PRIMARY KEY AUTOINCREMENT")}
CREATE TRIGGER IF NOT EXISTS entries_balanced AFTER INSERT ON entries
WHEN (SELECT COUNT(*) FROM postings WHERE entry_id = NEW.id) < 2
  OR EXISTS (SELECT 1 FROM postings WHERE entry_id = NEW.id GROUP BY currency HAVING SUM(amount_minor) <> 0)
BEGIN
  SELECT RAISE(ABORT, 'UNBALANCED_ENTRY');
END;
CREATE TRIGGER IF NOT EXISTS postings_sealed BEFORE INSERT ON postings
WHEN EXISTS (SELECT 1 FROM entries WHERE id = NEW.entry_id)
BEGIN
  SELECT RAISE(ABORT, 'ENTRY_IMMUTABLE');
END;
CREATE TRIGGER IF NOT EXISTS postings_no_update BEFORE UPDATE ON postings
BEGIN
  SELECT RAISE(ABORT, 'ENTRY_IMMUTABLE');
END;
CREATE TRIGGER IF NOT EXISTS postings_no_delete BEFORE DELETE ON postings
BEGIN
  SELECT RAISE(ABORT, 'ENTRY_IMMUTABLE');
END;
`;

/** PostgreSQL: a deferred constraint trigger checks every touched entry at COMMIT; postings are append-only. */
export const POSTGRES_SCHEMA = `${TABLES("BIGINT", "BIGSERIAL PRIMARY KEY")}
CREATE OR REPLACE FUNCTION finance_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT COUNT(*) FROM postings WHERE entry_id = NEW.entry_id) < 2
     OR EXISTS (SELECT 1 FROM postings WHERE entry_id = NEW.entry_id GROUP BY currency HAVING SUM(amount_minor) <> 0)
     OR NOT EXISTS (SELECT 1 FROM entries WHERE id = NEW.entry_id) THEN
    RAISE EXCEPTION 'UNBALANCED_ENTRY' USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $fn$;
CREATE OR REPLACE FUNCTION finance_postings_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'ENTRY_IMMUTABLE' USING ERRCODE = '23514';
END $fn$;
DROP TRIGGER IF EXISTS postings_balanced ON postings;
CREATE CONSTRAINT TRIGGER postings_balanced AFTER INSERT ON postings DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION finance_entry_balanced();
DROP TRIGGER IF EXISTS postings_no_change ON postings;
CREATE TRIGGER postings_no_change BEFORE UPDATE OR DELETE ON postings FOR EACH ROW EXECUTE FUNCTION finance_postings_append_only();
`;

/** One change to an existing database, applied once at start on both engines. */
export interface SchemaMigration {
  /** The schema version this step brings a database to (the tables above are version 1). */
  readonly version: number;
  readonly why: string;
  /** Single statements, run in order. */
  readonly statements: readonly string[];
}

/**
 * Steps applied in order at start, inside the migration transaction (under the advisory lock on
 * PostgreSQL, so replicas starting together apply each once); `meta.schema_version` records the
 * last one applied. New databases run them too, so both paths end in the same schema.
 */
export const SCHEMA_MIGRATIONS: readonly SchemaMigration[] = [
  {
    version: 2,
    why: "account-filtered entry listings read their entry ids from one covering index instead of rescanning the account's postings per entry",
    statements: ["CREATE INDEX IF NOT EXISTS postings_account_entry ON postings (account_id, entry_id, amount_minor)"],
  },
  {
    version: 3,
    why: "an account's entries page newest first straight off the index, without sorting every entry of the account; it also covers version 2's lookups, so that index goes",
    statements: [
      "CREATE INDEX IF NOT EXISTS postings_account_dated ON postings (account_id, date, entry_id, amount_minor, status)",
      "DROP INDEX IF EXISTS postings_account_entry",
    ],
  },
];
