/**
 * The shared-state schema, as numbered migrations applied in order at open. Each engine runs
 * them inside one lock (SQLite: an immediate transaction; PostgreSQL: an advisory transaction
 * lock), so replicas starting at once apply each migration exactly once.
 *
 * Tables carry an `mcp_state_` prefix so they can live in a database the application also uses.
 * Keys compare byte-wise (SQLite BINARY, PostgreSQL `COLLATE "C"`) so every engine lists in the
 * same order.
 */
export interface StateMigration {
  readonly version: number;
  readonly name: string;
  readonly sqlite: readonly string[];
  readonly postgres: readonly string[];
}

export const MIGRATIONS_TABLE = "mcp_state_migrations";

export const STATE_MIGRATIONS: readonly StateMigration[] = [
  {
    version: 1,
    name: "records and linked logs",
    sqlite: [
      `CREATE TABLE mcp_state_records (
        namespace TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        version INTEGER NOT NULL,
        expires_at INTEGER,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (namespace, key)
      ) WITHOUT ROWID`,
      `CREATE INDEX mcp_state_records_expiry ON mcp_state_records (expires_at) WHERE expires_at IS NOT NULL`,
      `CREATE TABLE mcp_state_logs (
        log TEXT NOT NULL,
        seq INTEGER NOT NULL,
        entry TEXT NOT NULL,
        PRIMARY KEY (log, seq)
      ) WITHOUT ROWID`,
    ],
    postgres: [
      `CREATE TABLE mcp_state_records (
        namespace TEXT COLLATE "C" NOT NULL,
        key TEXT COLLATE "C" NOT NULL,
        value TEXT NOT NULL,
        version INTEGER NOT NULL,
        expires_at BIGINT,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (namespace, key)
      )`,
      `CREATE INDEX mcp_state_records_expiry ON mcp_state_records (expires_at) WHERE expires_at IS NOT NULL`,
      `CREATE TABLE mcp_state_logs (
        log TEXT COLLATE "C" NOT NULL,
        seq BIGINT NOT NULL,
        entry TEXT NOT NULL,
        PRIMARY KEY (log, seq)
      )`,
    ],
  },
];

/** The newest schema version this code knows. */
export const LATEST_STATE_SCHEMA = STATE_MIGRATIONS.at(-1)!.version;

/** Refuses a database migrated by a newer release, which this one could corrupt. */
export function assertKnownSchema(applied: number): void {
  if (applied > LATEST_STATE_SCHEMA) {
    throw new Error(
      `the shared-state database is at schema version ${applied}, newer than this release knows (${LATEST_STATE_SCHEMA}); upgrade every replica`,
    );
  }
}
