import type { CfPackage } from "../schemas/case.js";
import type { OrAcademicSession, OrCategory, OrClass, OrCourse, OrEnrollment, OrLineItem, OrOrg, OrResult, OrUser } from "../schemas/oneroster.js";
import type { XapiStatement } from "../schemas/xapi.js";
import { EDUCATION_PG_MIGRATIONS, EDUCATION_PG_MIGRATION_LOCK, LATEST_EDUCATION_PG_SCHEMA } from "./postgres-migrations.js";
import { SyncPostgresConnection } from "./postgres-sync.js";
import type { EducationRecords, OneRosterKind, OneRosterRecordColumns, StoredItem, StoredStatement, StoredXapiDocument } from "./store.js";

type Row = Record<string, unknown>;
const BULK_ROWS = 5000;

/**
 * The education records in PostgreSQL: the same records and the same synchronous interface as
 * the embedded SQLite store, so several replicas serve one roster, gradebook, item bank, LRS,
 * consent register and pseudonym keys. Tables carry an `edu_` prefix so they can share a
 * database with the shared state. The schema is migrated at open, under an advisory lock, so
 * replicas may start together.
 *
 * @example
 * ```ts
 * const store = new PostgresEducationStore(process.env.DATABASE_URL!);
 * ```
 * @category Backend
 */
export class PostgresEducationStore implements EducationRecords {
  private readonly db: SyncPostgresConnection;
  private depth = 0;

  constructor(url: string) {
    this.db = new SyncPostgresConnection(url);
    try {
      this.migrate();
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  private migrate(): void {
    this.transaction(() => {
      this.db.query("SELECT pg_advisory_xact_lock($1)", [EDUCATION_PG_MIGRATION_LOCK]);
      this.db.query("CREATE TABLE IF NOT EXISTS edu_schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
      const applied = Number(this.db.query<{ v: number | null }>("SELECT max(version) AS v FROM edu_schema_migrations").rows[0]?.v ?? 0);
      if (applied > LATEST_EDUCATION_PG_SCHEMA) throw new Error(`the education database is at schema version ${applied}, newer than this release knows (${LATEST_EDUCATION_PG_SCHEMA}); upgrade every replica`);
      for (const migration of EDUCATION_PG_MIGRATIONS.filter((m) => m.version > applied)) {
        for (const statement of migration.statements) this.db.query(statement);
        this.db.query("INSERT INTO edu_schema_migrations (version, name) VALUES ($1, $2)", [migration.version, migration.name]);
      }
    });
  }

  /** The schema version the database is at. */
  schemaVersion(): number {
    return Number(this.db.query<{ v: number | null }>("SELECT max(version) AS v FROM edu_schema_migrations").rows[0]?.v ?? 0);
  }

  close(): void {
    this.db.close();
  }

  getMeta(key: string): string | undefined {
    return this.db.query<{ value: string }>("SELECT value FROM edu_meta WHERE key = $1", [key]).rows[0]?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.query("INSERT INTO edu_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value]);
  }

  /** Sets a meta value only when none is there, and returns the value that stands (the first replica's wins). */
  claimMeta(key: string, value: string): string {
    this.db.query("INSERT INTO edu_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", [key, value]);
    return this.getMeta(key)!;
  }

  count(kind: OneRosterKind): number {
    return Number(this.db.query<{ n: string }>("SELECT count(*) AS n FROM edu_oneroster WHERE kind = $1", [kind]).rows[0]!.n);
  }

  putRecords(kind: OneRosterKind, records: readonly { sourcedId: string }[]): void {
    this.transaction(() => {
      for (const record of records) this.putRecordUnwrapped(kind, record);
    });
  }

  putRecordUnwrapped(kind: OneRosterKind, record: { sourcedId: string }): void {
    const r = record as Record<string, { sourcedId?: string } | undefined>;
    const classId = r.class?.sourcedId ?? (kind === "classes" ? record.sourcedId : null);
    this.putRecordJson(kind, record.sourcedId, classId, r.user?.sourcedId ?? r.student?.sourcedId ?? null, r.lineItem?.sourcedId ?? null, JSON.stringify(record));
  }

  putRecordJson(kind: OneRosterKind, sourcedId: string, classId: string | null, userId: string | null, lineItemId: string | null, json: string): void {
    this.db.query(
      "INSERT INTO edu_oneroster (kind, sourced_id, class_id, user_id, line_item_id, data) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kind, sourced_id) DO UPDATE SET class_id = excluded.class_id, user_id = excluded.user_id, line_item_id = excluded.line_item_id, data = excluded.data",
      [kind, sourcedId, classId, userId, lineItemId, json],
    );
  }

  /** Inserts or replaces many serialized records in one transaction: one `unnest` statement per few thousand rows; `batches` may be lazy. */
  putRecordColumns(batches: Iterable<{ kind: OneRosterKind; columns: OneRosterRecordColumns }>): void {
    if (Array.isArray(batches) && batches.every((batch) => batch.columns.sourcedId.length === 0)) return;
    this.transaction(() => {
      for (const { kind, columns } of batches) {
        // One statement may not update a row twice: the last row of a sourcedId wins, as in SQLite.
        const last = new Map<string, number>();
        columns.sourcedId.forEach((id, i) => last.set(id, i));
        const rows = [...last.values()].sort((a, b) => a - b);
        for (let start = 0; start < rows.length; start += BULK_ROWS) {
          const slice = rows.slice(start, start + BULK_ROWS);
          const pick = <T>(list: T[]) => slice.map((i) => list[i]!);
          this.db.query(
            "INSERT INTO edu_oneroster (kind, sourced_id, class_id, user_id, line_item_id, data) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) ON CONFLICT (kind, sourced_id) DO UPDATE SET class_id = excluded.class_id, user_id = excluded.user_id, line_item_id = excluded.line_item_id, data = excluded.data",
            [kind, pick(columns.sourcedId), pick(columns.classId), pick(columns.userId), pick(columns.lineItemId), pick(columns.json)],
          );
        }
      }
    });
  }

  allStoredRows(): { table: string; row: Record<string, unknown> }[] {
    const tables = this.db.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'edu\\_%' ORDER BY tablename").rows;
    return tables.flatMap(({ name }) => this.db.query(`SELECT * FROM "${name.replace(/"/g, '""')}"`).rows.map((row) => ({ table: name, row })));
  }

  /** Runs a function in one transaction (nested calls become savepoints, as in SQLite). */
  transaction<T>(run: () => T): T {
    const savepoint = `edu_sp_${this.depth}`;
    this.db.query(this.depth === 0 ? "BEGIN" : `SAVEPOINT ${savepoint}`);
    this.depth++;
    try {
      const result = run();
      this.depth--;
      this.db.query(this.depth === 0 ? "COMMIT" : `RELEASE SAVEPOINT ${savepoint}`);
      return result;
    } catch (error) {
      this.depth--;
      this.db.query(this.depth === 0 ? "ROLLBACK" : `ROLLBACK TO SAVEPOINT ${savepoint}`);
      throw error;
    }
  }

  private all<T>(kind: OneRosterKind, filters: Record<string, string | undefined> = {}): T[] {
    const clauses = ["kind = $1"];
    const params: string[] = [kind];
    for (const [column, value] of Object.entries(filters)) if (value !== undefined) (params.push(value), clauses.push(`${column} = $${params.length}`));
    return this.db.query<{ data: string }>(`SELECT data FROM edu_oneroster WHERE ${clauses.join(" AND ")} ORDER BY sourced_id`, params).rows.map((row) => JSON.parse(row.data) as T);
  }

  private one<T>(kind: OneRosterKind, sourcedId: string): T | undefined {
    const row = this.db.query<{ data: string }>("SELECT data FROM edu_oneroster WHERE kind = $1 AND sourced_id = $2", [kind, sourcedId]).rows[0];
    return row ? (JSON.parse(row.data) as T) : undefined;
  }

  listRecords<T>(kind: OneRosterKind): T[] {
    return this.all<T>(kind);
  }
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
    return this.all("enrollments", { class_id: filter.classSourcedId, user_id: filter.userSourcedId });
  }
  async listCategories(): Promise<OrCategory[]> {
    return this.all("categories");
  }
  async listLineItems(filter: { classSourcedId?: string }): Promise<OrLineItem[]> {
    return this.all("lineItems", { class_id: filter.classSourcedId });
  }
  async getLineItem(id: string): Promise<OrLineItem | undefined> {
    return this.one("lineItems", id);
  }
  async putLineItem(lineItem: OrLineItem): Promise<void> {
    this.putRecords("lineItems", [lineItem]);
  }
  async listResults(filter: { lineItemSourcedId?: string; classSourcedId?: string; studentSourcedId?: string }): Promise<OrResult[]> {
    return this.all("results", { line_item_id: filter.lineItemSourcedId, class_id: filter.classSourcedId, user_id: filter.studentSourcedId });
  }
  async getResult(id: string): Promise<OrResult | undefined> {
    return this.one("results", id);
  }
  async putResult(result: OrResult): Promise<void> {
    this.putRecords("results", [result]);
  }

  putItem(item: StoredItem): void {
    this.db.query(
      "INSERT INTO edu_qti_items (id, title, interaction, xml, cf_item_ids, status, author, bank) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET title = excluded.title, interaction = excluded.interaction, xml = excluded.xml, cf_item_ids = excluded.cf_item_ids, status = excluded.status, author = excluded.author, bank = excluded.bank",
      [item.id, item.title, item.interaction, item.xml, JSON.stringify(item.cfItemIds), item.status, item.author, item.bank],
    );
  }
  getItem(id: string): StoredItem | undefined {
    const row = this.db.query("SELECT * FROM edu_qti_items WHERE id = $1", [id]).rows[0];
    return row ? toItem(row) : undefined;
  }
  listItems(): StoredItem[] {
    return this.db.query("SELECT * FROM edu_qti_items ORDER BY id").rows.map(toItem);
  }

  putCasePackage(pkg: CfPackage): void {
    this.db.query("INSERT INTO edu_case_packages (id, data) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET data = excluded.data", [pkg.CFDocument.identifier, JSON.stringify(pkg)]);
  }
  listCasePackages(): CfPackage[] {
    return this.db.query<{ data: string }>("SELECT data FROM edu_case_packages ORDER BY id").rows.map((row) => JSON.parse(row.data) as CfPackage);
  }

  putStatement(entry: StoredStatement): void {
    this.db.query("INSERT INTO edu_xapi_statements (id, stored, actor_key, verb, activity_id, voided, data) VALUES ($1, $2, $3, $4, $5, $6, $7)", [
      entry.id,
      entry.stored,
      entry.actorKey,
      entry.verb,
      entry.activityId,
      entry.voided ? 1 : 0,
      JSON.stringify(entry.statement),
    ]);
  }
  voidStatement(id: string): void {
    this.db.query("UPDATE edu_xapi_statements SET voided = 1 WHERE id = $1", [id]);
  }
  getStatement(id: string): StoredStatement | undefined {
    const row = this.db.query("SELECT * FROM edu_xapi_statements WHERE id = $1", [id]).rows[0];
    return row ? toStatement(row) : undefined;
  }
  queryStatements(filter: { actorKey?: string; verb?: string; activityId?: string; since?: string; includeVoided?: boolean; limit: number; offset: number }): StoredStatement[] {
    const clauses = ["1 = 1"];
    const params: (string | number)[] = [];
    const add = (sql: string, value: string | number) => (params.push(value), clauses.push(sql.replace("?", `$${params.length}`)));
    if (!filter.includeVoided) clauses.push("voided = 0");
    if (filter.actorKey !== undefined) add("actor_key = ?", filter.actorKey);
    if (filter.verb !== undefined) add("verb = ?", filter.verb);
    if (filter.activityId !== undefined) add("activity_id = ?", filter.activityId);
    if (filter.since !== undefined) add("stored > ?", filter.since);
    params.push(filter.limit, filter.offset);
    return this.db.query(`SELECT * FROM edu_xapi_statements WHERE ${clauses.join(" AND ")} ORDER BY stored DESC, id LIMIT $${params.length - 1} OFFSET $${params.length}`, params).rows.map(toStatement);
  }
  purgeStatements(before: string): number {
    return this.db.query("DELETE FROM edu_xapi_statements WHERE stored < $1", [before]).rowCount;
  }

  claimPracticeAttempt(userId: string, itemId: string, cap: number, at: string): number | undefined {
    return this.transaction(() => {
      // Replicas claim attempts of one learner on one item one at a time, so the cap holds across them.
      this.db.query("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))", [userId, itemId]);
      const n = Number(this.db.query<{ n: string }>("SELECT count(*) AS n FROM edu_practice_attempts WHERE user_id = $1 AND item_id = $2", [userId, itemId]).rows[0]!.n);
      if (n >= cap) return undefined;
      this.db.query("INSERT INTO edu_practice_attempts (user_id, item_id, attempt, at) VALUES ($1, $2, $3, $4)", [userId, itemId, n + 1, at]);
      return n + 1;
    });
  }
  settlePracticeAttempt(userId: string, itemId: string, attempt: number, score: number, correct: boolean | undefined): void {
    this.db.query("UPDATE edu_practice_attempts SET score = $1, correct = $2 WHERE user_id = $3 AND item_id = $4 AND attempt = $5", [score, correct === undefined ? null : correct ? 1 : 0, userId, itemId, attempt]);
  }
  practiceAttempts(userId: string, itemId: string): { attempt: number; at: string; score: number | null; correct: boolean | null }[] {
    return this.db
      .query<{ attempt: number; at: string; score: number | null; correct: number | null }>("SELECT attempt, at, score, correct FROM edu_practice_attempts WHERE user_id = $1 AND item_id = $2 ORDER BY attempt", [userId, itemId])
      .rows.map((row) => ({ attempt: row.attempt, at: row.at, score: row.score, correct: row.correct === null ? null : row.correct === 1 }));
  }
  wasPracticed(itemId: string): boolean {
    return this.db.query("SELECT 1 FROM edu_practice_attempts WHERE item_id = $1 LIMIT 1", [itemId]).rows.length > 0;
  }

  getXapiDocument(kind: StoredXapiDocument["kind"], scope: string, registration: string, id: string): StoredXapiDocument | undefined {
    const row = this.db.query("SELECT * FROM edu_xapi_documents WHERE kind = $1 AND scope = $2 AND registration = $3 AND id = $4", [kind, scope, registration, id]).rows[0];
    return row ? { kind, scope, registration, id, contentType: String(row.content_type), content: Buffer.from(row.content as Uint8Array), etag: String(row.etag), updated: String(row.updated) } : undefined;
  }
  putXapiDocument(document: StoredXapiDocument): void {
    this.db.query(
      "INSERT INTO edu_xapi_documents (kind, scope, registration, id, content_type, content, etag, updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (kind, scope, registration, id) DO UPDATE SET content_type = excluded.content_type, content = excluded.content, etag = excluded.etag, updated = excluded.updated",
      [document.kind, document.scope, document.registration, document.id, document.contentType, document.content, document.etag, document.updated],
    );
  }
  listXapiDocumentIds(kind: StoredXapiDocument["kind"], scope: string, registration: string, since?: string): string[] {
    return this.db
      .query<{ id: string }>(`SELECT id FROM edu_xapi_documents WHERE kind = $1 AND scope = $2 AND registration = $3${since ? " AND updated > $4" : ""} ORDER BY id`, [kind, scope, registration, ...(since ? [since] : [])])
      .rows.map((row) => row.id);
  }
  deleteXapiDocuments(kind: StoredXapiDocument["kind"], scope: string, registration: string, id?: string): number {
    return this.db.query(`DELETE FROM edu_xapi_documents WHERE kind = $1 AND scope = $2 AND registration = $3${id === undefined ? "" : " AND id = $4"}`, [kind, scope, registration, ...(id === undefined ? [] : [id])]).rowCount;
  }

  grantConsent(userId: string, at: string): void {
    this.db.query("INSERT INTO edu_consents (user_id, granted_at) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING", [userId, at]);
  }
  hasConsent(userId: string): boolean {
    return this.db.query("SELECT 1 FROM edu_consents WHERE user_id = $1", [userId]).rows.length > 0;
  }
}

function toItem(row: Row): StoredItem {
  return {
    id: String(row.id),
    title: String(row.title),
    interaction: String(row.interaction),
    xml: String(row.xml),
    cfItemIds: JSON.parse(String(row.cf_item_ids)) as string[],
    status: row.status as StoredItem["status"],
    author: String(row.author),
    bank: String(row.bank),
  };
}

function toStatement(row: Row): StoredStatement {
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
