/**
 * The education records' PostgreSQL schema as numbered migrations, applied in order at open
 * inside one transaction holding {@link EDUCATION_PG_MIGRATION_LOCK}, so replicas starting at
 * once apply each exactly once. Keys compare byte-wise (`COLLATE "C"`) to list in the same
 * order as the SQLite engine. Timestamps stay ISO 8601 text, as the records carry them.
 */
export interface EducationPgMigration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

/** The advisory lock key migrations run under ("edu" + schema, as one 64-bit number). */
export const EDUCATION_PG_MIGRATION_LOCK = 0x6564755f736368;

export const EDUCATION_PG_MIGRATIONS: readonly EducationPgMigration[] = [
  {
    version: 1,
    name: "roster, items, standards, statements, practice, consents, meta",
    statements: [
      `CREATE TABLE edu_oneroster (
        kind TEXT COLLATE "C" NOT NULL, sourced_id TEXT COLLATE "C" NOT NULL, class_id TEXT, user_id TEXT, line_item_id TEXT, data TEXT NOT NULL,
        PRIMARY KEY (kind, sourced_id))`,
      `CREATE INDEX edu_oneroster_class ON edu_oneroster (kind, class_id)`,
      `CREATE INDEX edu_oneroster_user ON edu_oneroster (kind, user_id)`,
      `CREATE INDEX edu_oneroster_line_item ON edu_oneroster (kind, line_item_id)`,
      `CREATE TABLE edu_qti_items (
        id TEXT COLLATE "C" PRIMARY KEY, title TEXT NOT NULL, interaction TEXT NOT NULL, xml TEXT NOT NULL, cf_item_ids TEXT NOT NULL,
        status TEXT NOT NULL, author TEXT NOT NULL, bank TEXT NOT NULL)`,
      `CREATE TABLE edu_case_packages (id TEXT COLLATE "C" PRIMARY KEY, data TEXT NOT NULL)`,
      `CREATE TABLE edu_xapi_statements (
        id TEXT COLLATE "C" PRIMARY KEY, stored TEXT COLLATE "C" NOT NULL, actor_key TEXT NOT NULL, verb TEXT NOT NULL, activity_id TEXT NOT NULL,
        voided INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL)`,
      `CREATE INDEX edu_xapi_actor ON edu_xapi_statements (actor_key, stored)`,
      `CREATE TABLE edu_practice_attempts (
        user_id TEXT NOT NULL, item_id TEXT NOT NULL, attempt INTEGER NOT NULL, at TEXT NOT NULL, score DOUBLE PRECISION, correct INTEGER,
        PRIMARY KEY (user_id, item_id, attempt))`,
      `CREATE INDEX edu_practice_item ON edu_practice_attempts (item_id)`,
      `CREATE TABLE edu_consents (user_id TEXT PRIMARY KEY, granted_at TEXT NOT NULL)`,
      `CREATE TABLE edu_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    ],
  },
  {
    version: 2,
    name: "xAPI documents (State, Activity Profile, Agent Profile)",
    statements: [
      `CREATE TABLE edu_xapi_documents (
        kind TEXT NOT NULL, scope TEXT NOT NULL, registration TEXT NOT NULL, id TEXT COLLATE "C" NOT NULL, content_type TEXT NOT NULL,
        content BYTEA NOT NULL, etag TEXT NOT NULL, updated TEXT COLLATE "C" NOT NULL, PRIMARY KEY (kind, scope, registration, id))`,
    ],
  },
];

/** The newest schema version this release knows. */
export const LATEST_EDUCATION_PG_SCHEMA = EDUCATION_PG_MIGRATIONS.at(-1)!.version;
