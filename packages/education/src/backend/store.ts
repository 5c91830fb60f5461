import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { CfPackage } from "../schemas/case.js";
import type {
  OrAcademicSession,
  OrCategory,
  OrClass,
  OrCourse,
  OrEnrollment,
  OrLineItem,
  OrOrg,
  OrResult,
  OrUser,
} from "../schemas/oneroster.js";
import type { XapiStatement } from "../schemas/xapi.js";
import type { RosterBackend } from "./roster-backend.js";

/** OneRoster record kinds the store keeps, by their REST collection name. */
export type OneRosterKind = "orgs" | "academicSessions" | "courses" | "classes" | "users" | "enrollments" | "categories" | "lineItems" | "results";

/**
 * OneRoster records of one kind in columns, as a bulk load hands them to a store: row `i` is
 * `sourcedId[i]`, its index references and its record's JSON text `json[i]`.
 */
export interface OneRosterRecordColumns {
  sourcedId: string[];
  classId: (string | null)[];
  userId: (string | null)[];
  lineItemId: (string | null)[];
  json: string[];
}

/** A QTI item as stored. */
export interface StoredItem {
  id: string;
  title: string;
  interaction: string;
  xml: string;
  cfItemIds: string[];
  status: "draft" | "published";
  author: string;
  bank: string;
}

/** An xAPI document (State, Activity Profile or Agent Profile resource) as stored. */
export interface StoredXapiDocument {
  kind: "state" | "activityProfile" | "agentProfile";
  /** The resource's scope: activity and agent for State, the activity or the agent for profiles. */
  scope: string;
  /** The State registration, `""` without one. */
  registration: string;
  id: string;
  contentType: string;
  content: Buffer;
  etag: string;
  updated: string;
}

/** A stored xAPI statement with its storage metadata. */
export interface StoredStatement {
  id: string;
  stored: string;
  actorKey: string;
  verb: string;
  activityId: string;
  voided: boolean;
  statement: XapiStatement;
}

type Row = { data: string };

// Secondary indexes of the records table. Partial: only rows that have the reference are indexed (a
// user or an org has no class), and `kind = ? AND class_id = ?` implies `class_id IS NOT NULL`, so
// the planner still uses them.
const RECORD_INDEXES = `
      CREATE INDEX IF NOT EXISTS oneroster_class_ref ON oneroster (kind, class_id) WHERE class_id IS NOT NULL;
      CREATE INDEX IF NOT EXISTS oneroster_user_ref ON oneroster (kind, user_id) WHERE user_id IS NOT NULL;
      CREATE INDEX IF NOT EXISTS oneroster_line_item_ref ON oneroster (kind, line_item_id) WHERE line_item_id IS NOT NULL;`;
const UPSERT_RECORDS = (rows: number) =>
  `INSERT INTO oneroster (kind, sourced_id, class_id, user_id, line_item_id, data) VALUES ${Array.from({ length: rows }, () => "(?, ?, ?, ?, ?, ?)").join(", ")} ON CONFLICT (kind, sourced_id) DO UPDATE SET class_id = excluded.class_id, user_id = excluded.user_id, line_item_id = excluded.line_item_id, data = excluded.data`;
const RECORD_KINDS: ReadonlySet<string> = new Set(["orgs", "academicSessions", "courses", "classes", "users", "enrollments", "categories", "lineItems", "results"]);
/** Rows per multi-row INSERT of a bulk load (6 parameters each, well under SQLite's 32,766). */
const BULK_ROWS = 128;

/**
 * Everything the education records offer, whichever engine keeps them: the embedded SQLite
 * {@link EducationStore} or the PostgreSQL engine that replicas share.
 *
 * @example
 * ```ts
 * const store: EducationRecords = process.env.DATABASE_URL ? new PostgresEducationStore(process.env.DATABASE_URL) : new EducationStore(":memory:");
 * ```
 * @category Backend
 */
export type EducationRecords = { [K in keyof EducationStore]: EducationStore[K] };

/**
 * The embedded durable store: one SQLite file (WAL, `synchronous=FULL`) holding the
 * OneRoster records, the QTI item bank, CASE packages, xAPI statements and consents.
 * Writes survive a restart. `":memory:"` gives a throwaway store for tests.
 *
 * `synchronous=FULL` stays on for bulk loads too: a load is one transaction, so FULL costs one
 * WAL fsync per import (NORMAL would survive a process crash but could lose the last committed
 * import on power loss), and a committed import must survive both.
 */
export class EducationStore implements RosterBackend {
  private readonly db: Database.Database;
  private readonly upsertRecord: Database.Statement;
  // Multi-row statements of bulk loads, by kind, bound columns and row count.
  private readonly bulkStatements = new Map<string, Database.Statement>();

  constructor(path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = FULL");
    this.db.pragma("foreign_keys = ON");
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS oneroster (
        kind TEXT NOT NULL, sourced_id TEXT NOT NULL, class_id TEXT, user_id TEXT, line_item_id TEXT, data TEXT NOT NULL,
        PRIMARY KEY (kind, sourced_id));
      DROP INDEX IF EXISTS oneroster_class;
      DROP INDEX IF EXISTS oneroster_user;
      DROP INDEX IF EXISTS oneroster_line_item;
      ${RECORD_INDEXES}
      CREATE TABLE IF NOT EXISTS qti_items (
        id TEXT PRIMARY KEY, title TEXT NOT NULL, interaction TEXT NOT NULL, xml TEXT NOT NULL, cf_item_ids TEXT NOT NULL,
        status TEXT NOT NULL, author TEXT NOT NULL, bank TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS case_packages (id TEXT PRIMARY KEY, data TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS xapi_statements (
        id TEXT PRIMARY KEY, stored TEXT NOT NULL, actor_key TEXT NOT NULL, verb TEXT NOT NULL, activity_id TEXT NOT NULL,
        voided INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS xapi_actor ON xapi_statements (actor_key, stored);
      CREATE TABLE IF NOT EXISTS practice_attempts (
        user_id TEXT NOT NULL, item_id TEXT NOT NULL, attempt INTEGER NOT NULL, at TEXT NOT NULL, score REAL, correct INTEGER,
        PRIMARY KEY (user_id, item_id, attempt));
      CREATE INDEX IF NOT EXISTS practice_item ON practice_attempts (item_id);
      CREATE TABLE IF NOT EXISTS consents (user_id TEXT PRIMARY KEY, granted_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS xapi_documents (
        kind TEXT NOT NULL, scope TEXT NOT NULL, registration TEXT NOT NULL, id TEXT NOT NULL, content_type TEXT NOT NULL,
        content BLOB NOT NULL, etag TEXT NOT NULL, updated TEXT NOT NULL, PRIMARY KEY (kind, scope, registration, id));
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    this.upsertRecord = this.db.prepare(UPSERT_RECORDS(1));
  }

  /** Closes the database. */
  close(): void {
    this.db.close();
  }

  /** Reads a meta value. */
  getMeta(key: string): string | undefined {
    return (this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined)?.value;
  }

  /** Writes a meta value. */
  setMeta(key: string, value: string): void {
    this.db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(key, value);
  }

  /** Number of records of one kind. */
  count(kind: OneRosterKind): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM oneroster WHERE kind = ?").get(kind) as { n: number }).n;
  }

  /** Inserts or replaces OneRoster records of one kind. */
  putRecords(kind: OneRosterKind, records: readonly { sourcedId: string }[]): void {
    const run = this.db.transaction((list: readonly { sourcedId: string }[]) => {
      for (const record of list) this.putRecordUnwrapped(kind, record);
    });
    run(records);
  }

  /** Inserts one record outside a transaction (a naive baseline for benchmarks). */
  putRecordUnwrapped(kind: OneRosterKind, record: { sourcedId: string }): void {
    const r = record as Record<string, { sourcedId?: string } | undefined>;
    const classId = r.class?.sourcedId ?? (kind === "classes" ? record.sourcedId : null);
    const userId = r.user?.sourcedId ?? r.student?.sourcedId ?? null;
    const lineItemId = r.lineItem?.sourcedId ?? null;
    this.upsertRecord.run(kind, record.sourcedId, classId, userId, lineItemId, JSON.stringify(record));
  }

  /** Inserts or replaces one record already serialized (the bulk import path: one prepared statement, no re-parsing). */
  putRecordJson(kind: OneRosterKind, sourcedId: string, classId: string | null, userId: string | null, lineItemId: string | null, json: string): void {
    this.upsertRecord.run(kind, sourcedId, classId, userId, lineItemId, json);
  }

  /**
   * Inserts or replaces many records already serialized, in one transaction (the bulk import
   * path). Multi-row prepared statements per kind bind only the columns the kind fills (the kind
   * itself is a literal), so a user row binds two values and an enrollment four. Either every
   * batch is stored or none is. `batches` may be lazy (e.g. a check's `drain()`), so records are
   * checked and stored slice by slice inside the one transaction.
   */
  putRecordColumns(batches: Iterable<{ kind: OneRosterKind; columns: OneRosterRecordColumns }>): void {
    if (Array.isArray(batches) && batches.every((batch) => batch.columns.sourcedId.length === 0)) return;
    const cacheSize = this.db.pragma("cache_size", { simple: true }) as number;
    // A bigger page cache keeps the load from spilling pages to the WAL before the commit.
    this.db.pragma("cache_size = -65536");
    try {
      this.transaction(() => {
        for (const { kind, columns } of batches) {
          const n = columns.sourcedId.length;
          if (n === 0) continue;
          // The kind becomes a SQL literal: it must be one of the store's kinds, never outside text.
          if (!RECORD_KINDS.has(kind)) throw new TypeError(`not a OneRoster kind: ${kind}`);
          const refs = (
            [
              ["class_id", columns.classId],
              ["user_id", columns.userId],
              ["line_item_id", columns.lineItemId],
            ] as const
          ).filter(([, values]) => values.some((value) => value !== null));
          const names = ["sourced_id", ...refs.map(([name]) => name), "data"];
          const values: readonly (string | null)[][] = [columns.sourcedId, ...refs.map(([, list]) => list), columns.json];
          const width = names.length;
          const statement = (rows: number) => {
            const key = `${kind}:${names.join(",")}:${rows}`;
            let prepared = this.bulkStatements.get(key);
            if (!prepared) {
              const row = `('${kind}', ${names.map(() => "?").join(", ")})`;
              // Every reference column is reset, so a re-import that drops a reference clears it.
              const sets = "class_id = excluded.class_id, user_id = excluded.user_id, line_item_id = excluded.line_item_id, data = excluded.data";
              prepared = this.db.prepare(`INSERT INTO oneroster (kind, ${names.join(", ")}) VALUES ${Array.from({ length: rows }, () => row).join(", ")} ON CONFLICT (kind, sourced_id) DO UPDATE SET ${sets}`);
              this.bulkStatements.set(key, prepared);
            }
            return prepared;
          };
          const bulk = statement(BULK_ROWS);
          const params: (string | null)[] = new Array(BULK_ROWS * width);
          let i = 0;
          for (; i + BULK_ROWS <= n; i += BULK_ROWS) {
            for (let k = 0, p = 0; k < BULK_ROWS; k++) for (let c = 0; c < width; c++) params[p++] = values[c]![i + k]!;
            bulk.run(params);
          }
          if (i < n) {
            const rest = n - i;
            const tail = statement(rest);
            const last: (string | null)[] = new Array(rest * width);
            for (let k = 0, p = 0; k < rest; k++) for (let c = 0; c < width; c++) last[p++] = values[c]![i + k]!;
            tail.run(last);
          }
        }
      });
    } finally {
      this.db.pragma(`cache_size = ${cacheSize}`);
    }
  }

  /** Every row of every table, for whole-store privacy scans (e.g. proving no free text was stored). */
  allStoredRows(): { table: string; row: Record<string, unknown> }[] {
    const tables = (this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((entry) => entry.name);
    return tables.flatMap((table) => (this.db.prepare(`SELECT * FROM "${table.replace(/"/g, '""')}"`).all() as Record<string, unknown>[]).map((row) => ({ table, row })));
  }

  /** Runs a function in one transaction. */
  transaction<T>(run: () => T): T {
    return this.db.transaction(run)();
  }

  private all<T>(kind: OneRosterKind, where = "", ...params: string[]): T[] {
    return (this.db.prepare(`SELECT data FROM oneroster WHERE kind = ? ${where} ORDER BY sourced_id`).all(kind, ...params) as Row[]).map(
      (row) => JSON.parse(row.data) as T,
    );
  }

  private one<T>(kind: OneRosterKind, sourcedId: string): T | undefined {
    const row = this.db.prepare("SELECT data FROM oneroster WHERE kind = ? AND sourced_id = ?").get(kind, sourcedId) as Row | undefined;
    return row ? (JSON.parse(row.data) as T) : undefined;
  }

  /** All records of one kind (for the OneRoster REST endpoints). */
  listRecords<T>(kind: OneRosterKind): T[] {
    return this.all<T>(kind);
  }

  /** One record of one kind. */
  getRecord<T>(kind: OneRosterKind, sourcedId: string): T | undefined {
    return this.one<T>(kind, sourcedId);
  }

  async listOrgs(): Promise<OrOrg[]> {
    return this.all("orgs");
  }
  async listAcademicSessions(): Promise<OrAcademicSession[]> {
    return this.all("academicSessions");
  }
  async getAcademicSession(id: string): Promise<OrAcademicSession | undefined> {
    return this.one("academicSessions", id);
  }
  async getCourse(id: string): Promise<OrCourse | undefined> {
    return this.one("courses", id);
  }
  async listClasses(): Promise<OrClass[]> {
    return this.all("classes");
  }
  async getClass(id: string): Promise<OrClass | undefined> {
    return this.one("classes", id);
  }
  async getUser(id: string): Promise<OrUser | undefined> {
    return this.one("users", id);
  }
  async listEnrollments(filter: { classSourcedId?: string; userSourcedId?: string }): Promise<OrEnrollment[]> {
    if (filter.classSourcedId !== undefined && filter.userSourcedId !== undefined) {
      return this.all("enrollments", "AND class_id = ? AND user_id = ?", filter.classSourcedId, filter.userSourcedId);
    }
    if (filter.classSourcedId !== undefined) return this.all("enrollments", "AND class_id = ?", filter.classSourcedId);
    if (filter.userSourcedId !== undefined) return this.all("enrollments", "AND user_id = ?", filter.userSourcedId);
    return this.all("enrollments");
  }
  async listCategories(): Promise<OrCategory[]> {
    return this.all("categories");
  }
  async listLineItems(filter: { classSourcedId?: string }): Promise<OrLineItem[]> {
    return filter.classSourcedId === undefined ? this.all("lineItems") : this.all("lineItems", "AND class_id = ?", filter.classSourcedId);
  }
  async getLineItem(id: string): Promise<OrLineItem | undefined> {
    return this.one("lineItems", id);
  }
  async putLineItem(lineItem: OrLineItem): Promise<void> {
    this.putRecords("lineItems", [lineItem]);
  }
  async listResults(filter: { lineItemSourcedId?: string; classSourcedId?: string; studentSourcedId?: string }): Promise<OrResult[]> {
    const clauses: string[] = [];
    const params: string[] = [];
    if (filter.lineItemSourcedId !== undefined) (clauses.push("AND line_item_id = ?"), params.push(filter.lineItemSourcedId));
    if (filter.classSourcedId !== undefined) (clauses.push("AND class_id = ?"), params.push(filter.classSourcedId));
    if (filter.studentSourcedId !== undefined) (clauses.push("AND user_id = ?"), params.push(filter.studentSourcedId));
    return this.all("results", clauses.join(" "), ...params);
  }
  async getResult(id: string): Promise<OrResult | undefined> {
    return this.one("results", id);
  }
  async putResult(result: OrResult): Promise<void> {
    this.putRecords("results", [result]);
  }

  /** Inserts or replaces a QTI item. */
  putItem(item: StoredItem): void {
    this.db
      .prepare(
        "INSERT INTO qti_items (id, title, interaction, xml, cf_item_ids, status, author, bank) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET title = excluded.title, interaction = excluded.interaction, xml = excluded.xml, cf_item_ids = excluded.cf_item_ids, status = excluded.status, author = excluded.author, bank = excluded.bank",
      )
      .run(item.id, item.title, item.interaction, item.xml, JSON.stringify(item.cfItemIds), item.status, item.author, item.bank);
  }

  /** One QTI item. */
  getItem(id: string): StoredItem | undefined {
    const row = this.db.prepare("SELECT * FROM qti_items WHERE id = ?").get(id) as Record<string, string> | undefined;
    return row ? toItem(row) : undefined;
  }

  /** All QTI items, by id. */
  listItems(): StoredItem[] {
    return (this.db.prepare("SELECT * FROM qti_items ORDER BY id").all() as Record<string, string>[]).map(toItem);
  }

  /** Inserts or replaces a CASE package. */
  putCasePackage(pkg: CfPackage): void {
    this.db
      .prepare("INSERT INTO case_packages (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data")
      .run(pkg.CFDocument.identifier, JSON.stringify(pkg));
  }

  /** All CASE packages. */
  listCasePackages(): CfPackage[] {
    return (this.db.prepare("SELECT data FROM case_packages ORDER BY id").all() as Row[]).map((row) => JSON.parse(row.data) as CfPackage);
  }

  /** Stores a statement (ids are unique; a conflicting id with different content is refused by the caller). */
  putStatement(entry: StoredStatement): void {
    this.db
      .prepare("INSERT INTO xapi_statements (id, stored, actor_key, verb, activity_id, voided, data) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(entry.id, entry.stored, entry.actorKey, entry.verb, entry.activityId, entry.voided ? 1 : 0, JSON.stringify(entry.statement));
  }

  /** Marks a statement voided. */
  voidStatement(id: string): void {
    this.db.prepare("UPDATE xapi_statements SET voided = 1 WHERE id = ?").run(id);
  }

  /** One statement by id. */
  getStatement(id: string): StoredStatement | undefined {
    const row = this.db.prepare("SELECT * FROM xapi_statements WHERE id = ?").get(id) as Record<string, string | number> | undefined;
    return row ? toStatement(row) : undefined;
  }

  /** Statements, newest first, filtered. */
  queryStatements(filter: { actorKey?: string; verb?: string; activityId?: string; since?: string; includeVoided?: boolean; limit: number; offset: number }): StoredStatement[] {
    const clauses: string[] = ["1 = 1"];
    const params: (string | number)[] = [];
    if (!filter.includeVoided) clauses.push("voided = 0");
    if (filter.actorKey !== undefined) (clauses.push("actor_key = ?"), params.push(filter.actorKey));
    if (filter.verb !== undefined) (clauses.push("verb = ?"), params.push(filter.verb));
    if (filter.activityId !== undefined) (clauses.push("activity_id = ?"), params.push(filter.activityId));
    if (filter.since !== undefined) (clauses.push("stored > ?"), params.push(filter.since));
    params.push(filter.limit, filter.offset);
    return (
      this.db.prepare(`SELECT * FROM xapi_statements WHERE ${clauses.join(" AND ")} ORDER BY stored DESC, id LIMIT ? OFFSET ?`).all(...params) as Record<
        string,
        string | number
      >[]
    ).map(toStatement);
  }

  /** Deletes statements stored before a cutoff (retention); returns how many went. */
  purgeStatements(before: string): number {
    return this.db.prepare("DELETE FROM xapi_statements WHERE stored < ?").run(before).changes;
  }

  /**
   * Claims the next practice attempt of a learner on an item, atomically: returns its
   * number, or `undefined` when `cap` attempts were already made.
   */
  claimPracticeAttempt(userId: string, itemId: string, cap: number, at: string): number | undefined {
    return this.transaction(() => {
      const { n } = this.db.prepare("SELECT COUNT(*) AS n FROM practice_attempts WHERE user_id = ? AND item_id = ?").get(userId, itemId) as { n: number };
      if (n >= cap) return undefined;
      this.db.prepare("INSERT INTO practice_attempts (user_id, item_id, attempt, at) VALUES (?, ?, ?, ?)").run(userId, itemId, n + 1, at);
      return n + 1;
    });
  }

  /** Stores the outcome of a claimed practice attempt. */
  settlePracticeAttempt(userId: string, itemId: string, attempt: number, score: number, correct: boolean | undefined): void {
    this.db.prepare("UPDATE practice_attempts SET score = ?, correct = ? WHERE user_id = ? AND item_id = ? AND attempt = ?").run(score, correct === undefined ? null : correct ? 1 : 0, userId, itemId, attempt);
  }

  /** A learner's practice attempts on an item, oldest first. */
  practiceAttempts(userId: string, itemId: string): { attempt: number; at: string; score: number | null; correct: boolean | null }[] {
    return (this.db.prepare("SELECT attempt, at, score, correct FROM practice_attempts WHERE user_id = ? AND item_id = ? ORDER BY attempt").all(userId, itemId) as { attempt: number; at: string; score: number | null; correct: number | null }[]).map(
      (row) => ({ attempt: row.attempt, at: row.at, score: row.score, correct: row.correct === null ? null : row.correct === 1 }),
    );
  }

  /** Whether any learner has made a practice attempt on an item. */
  wasPracticed(itemId: string): boolean {
    return this.db.prepare("SELECT 1 FROM practice_attempts WHERE item_id = ? LIMIT 1").get(itemId) !== undefined;
  }

  /** One xAPI document. */
  getXapiDocument(kind: StoredXapiDocument["kind"], scope: string, registration: string, id: string): StoredXapiDocument | undefined {
    const row = this.db.prepare("SELECT * FROM xapi_documents WHERE kind = ? AND scope = ? AND registration = ? AND id = ?").get(kind, scope, registration, id) as Record<string, string | Buffer> | undefined;
    return row ? { kind, scope, registration, id, contentType: String(row.content_type), content: row.content as Buffer, etag: String(row.etag), updated: String(row.updated) } : undefined;
  }

  /** Creates or replaces an xAPI document. */
  putXapiDocument(document: StoredXapiDocument): void {
    this.db
      .prepare("INSERT INTO xapi_documents (kind, scope, registration, id, content_type, content, etag, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, scope, registration, id) DO UPDATE SET content_type = excluded.content_type, content = excluded.content, etag = excluded.etag, updated = excluded.updated")
      .run(document.kind, document.scope, document.registration, document.id, document.contentType, document.content, document.etag, document.updated);
  }

  /** The ids of the xAPI documents in a scope, updated after `since` when given. */
  listXapiDocumentIds(kind: StoredXapiDocument["kind"], scope: string, registration: string, since?: string): string[] {
    const rows = this.db.prepare(`SELECT id FROM xapi_documents WHERE kind = ? AND scope = ? AND registration = ?${since ? " AND updated > ?" : ""} ORDER BY id`).all(kind, scope, registration, ...(since ? [since] : [])) as { id: string }[];
    return rows.map((row) => row.id);
  }

  /** Deletes one xAPI document, or every document of the scope when `id` is undefined; returns how many went. */
  deleteXapiDocuments(kind: StoredXapiDocument["kind"], scope: string, registration: string, id?: string): number {
    return this.db.prepare(`DELETE FROM xapi_documents WHERE kind = ? AND scope = ? AND registration = ?${id === undefined ? "" : " AND id = ?"}`).run(kind, scope, registration, ...(id === undefined ? [] : [id])).changes;
  }

  /** Records a guardian's consent to activity recording for a learner. */
  grantConsent(userId: string, at: string): void {
    this.db.prepare("INSERT INTO consents (user_id, granted_at) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING").run(userId, at);
  }

  /** Whether a learner has activity-recording consent. */
  hasConsent(userId: string): boolean {
    return this.db.prepare("SELECT 1 FROM consents WHERE user_id = ?").get(userId) !== undefined;
  }
}

function toItem(row: Record<string, string>): StoredItem {
  return {
    id: row.id!,
    title: row.title!,
    interaction: row.interaction!,
    xml: row.xml!,
    cfItemIds: JSON.parse(row.cf_item_ids!) as string[],
    status: row.status as StoredItem["status"],
    author: row.author!,
    bank: row.bank!,
  };
}

function toStatement(row: Record<string, string | number>): StoredStatement {
  return {
    id: String(row.id),
    stored: String(row.stored),
    actorKey: String(row.actor_key),
    verb: String(row.verb),
    activityId: String(row.activity_id),
    voided: Number(row.voided) === 1,
    statement: JSON.parse(String(row.data)) as XapiStatement,
  };
}
