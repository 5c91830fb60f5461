import { ExtensionError } from "@mcp-verticals/core";
import type { OneRosterKind, OneRosterRecordColumns } from "../backend/store.js";
import { CSV_COLUMNS, CSV_FILES, type CsvColumn, type OneRosterCsvVersion } from "./oneroster-csv-columns.js";
import { CsvRows, readCsvTable } from "./oneroster-csv-reader.js";

/** One problem found while importing, located by file, line and column: never the value. */
export interface CsvProblem {
  file: string;
  line: number;
  column: string;
  message: string;
}

/** What one bulk file held: its data rows, how many are valid and how many were refused. */
export interface CsvFileCount {
  file: string;
  kind: OneRosterKind | "roles";
  rows: number;
  valid: number;
  invalid: number;
}

/** The files of one bulk export: file name (`manifest.csv`, `users.csv`, …) to its text. */
export type OneRosterCsvFiles = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

/** Problems kept in a report; the counts stay exact beyond it. */
export const MAX_CSV_PROBLEMS = 1000;

const csvError = (message: string, field: string) => new ExtensionError("CSV_INVALID", message, { field });
// Header names are reported, but only when they look like names, never arbitrary file content.
const safeName = (name: string) => (/^[A-Za-z0-9_. -]{1,64}$/.test(name) ? name : "(unprintable)");
const EPOCH = JSON.stringify(new Date(0).toISOString());
const splitList = (value: string) => value.split(",").map((part) => part.trim()).filter(Boolean);
// JSON string literal without JSON.stringify's call for the common case (no quote, backslash, control or surrogate).
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const json = (value: string) => (NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`);

// What a column does, decided once per file so the row loop is a switch on a small integer.
const enum Op {
  Skip,
  SourcedId,
  Status,
  Modified,
  Check,
  String,
  Enum,
  Number,
  Boolean,
  Truth,
  List,
  Ref,
  RefList,
  Metadata,
}

interface ColumnPlan {
  name: string;
  op: Op;
  required: boolean;
  values: ReadonlySet<string> | undefined;
  /** `,"field":` */
  key: string;
  refType: string;
  /** `,"type":"<refType>"}` closing a GUID reference. */
  refTail: string;
  index: CsvColumn["index"];
}

/** Checks a header against the version's columns and plans each column (metadata.* columns kept as metadata). */
function planColumns(header: string[], file: string, columns: Record<string, CsvColumn>, version: OneRosterCsvVersion): ColumnPlan[] {
  const seen = new Set<string>();
  const plans = header.map((name, index): ColumnPlan => {
    const where = `${file}:${safeName(name) === "(unprintable)" ? `column ${index + 1}` : name}`;
    if (name === "") throw csvError(`${file} has an empty column name at column ${index + 1}`, `${file}:column ${index + 1}`);
    if (seen.has(name)) throw csvError(`${file} repeats the column ${safeName(name)} (column ${index + 1})`, where);
    seen.add(name);
    const plan = (op: Op, spec?: CsvColumn, key = ""): ColumnPlan => ({
      name,
      op,
      required: spec?.required ?? false,
      values: spec?.values,
      key,
      refType: spec?.refType ?? "",
      refTail: `,"type":"${spec?.refType ?? ""}"}`,
      index: spec?.index,
    });
    if (name.startsWith("metadata.") && name.length > 9) return plan(Op.Metadata, undefined, `${JSON.stringify(name.slice(9))}:`);
    const spec = columns[name];
    if (!spec) throw csvError(`${file} column ${index + 1} (${safeName(name)}) is not a OneRoster ${version} ${file} column`, where);
    const key = spec.field ? `,${JSON.stringify(spec.field)}:` : "";
    if (spec.field === "sourcedId") return plan(Op.SourcedId, spec);
    if (spec.field === "status") return plan(Op.Status, spec);
    if (spec.field === "dateLastModified") return plan(Op.Modified, spec);
    if (spec.field === undefined) return plan(spec.values ? Op.Check : Op.Skip, spec);
    const ops: Record<CsvColumn["type"], Op> = { string: Op.String, enum: Op.Enum, number: Op.Number, boolean: Op.Boolean, truth: Op.Truth, list: Op.List, ref: Op.Ref, refList: Op.RefList };
    return plan(ops[spec.type], spec, key);
  });
  for (const [name, spec] of Object.entries(columns)) {
    if (spec.required && !seen.has(name)) throw csvError(`${file} lacks the required column ${name}`, `${file}:${name}`);
  }
  return plans;
}

type Roles = Map<string, string[]>;

interface PendingFile {
  kind: OneRosterKind | "roles";
  file: string;
  table: CsvRows;
  plans: ColumnPlan[];
  count: CsvFileCount;
  next: number;
  columns: OneRosterRecordColumns;
}

/**
 * One OneRoster 1.1 or 1.2 CSV bulk export, checked in steps. Opening it reads `manifest.csv`,
 * reads every file the manifest marks `bulk` or `delta` and checks each header (a malformed
 * header fails at once, naming the file and column), so the number of data rows is known
 * before any row is checked. {@link OneRosterCsvCheck.step} then converts and validates rows,
 * writing each valid record's JSON straight from its cells into columns a store loads in one
 * transaction; invalid rows are reported by file, line and column (never by value).
 *
 * @example
 * ```ts
 * const check = OneRosterCsvCheck.open(files);
 * while (!check.finished) check.step(5_000);
 * store.putRecordColumns(check.batches());
 * ```
 * @category OneRoster
 */
export class OneRosterCsvCheck {
  /** The bulk format's version, from the manifest. */
  readonly version: OneRosterCsvVersion;
  /** Data rows in the listed files (roles.csv included). */
  readonly totalRows: number;
  /** Problems found so far (the first {@link MAX_CSV_PROBLEMS}). */
  readonly problems: CsvProblem[] = [];
  private problemCount = 0;
  private readonly pending: PendingFile[];
  private current = 0;
  private doneRows = 0;
  private roles: Roles | undefined;

  private constructor(version: OneRosterCsvVersion, pending: PendingFile[]) {
    this.version = version;
    this.pending = pending;
    this.totalRows = pending.reduce((sum, entry) => sum + entry.table.count, 0);
  }

  /**
   * Reads the manifest and the files it lists, and checks their headers.
   * @throws ExtensionError `CSV_INVALID` naming the file (and column) for a missing manifest or
   * listed file, an unsupported version, malformed CSV or a malformed header.
   */
  static open(files: OneRosterCsvFiles): OneRosterCsvCheck {
    const get = (name: string): string | undefined => (files instanceof Map ? files.get(name) : (files as Record<string, string>)[name]);
    const need = (name: string): string => {
      const text = get(name);
      if (text === undefined) throw csvError(`${name} is listed but missing`, name);
      return text;
    };
    const manifestText = get("manifest.csv");
    if (manifestText === undefined) throw csvError("manifest.csv is missing", "manifest.csv");
    const manifestTable = readCsvTable(manifestText, "manifest.csv");
    const nameAt = manifestTable.header.indexOf("propertyName");
    const valueAt = manifestTable.header.indexOf("value");
    if (nameAt < 0 || valueAt < 0) throw csvError("manifest.csv needs the columns propertyName and value", nameAt < 0 ? "manifest.csv:propertyName" : "manifest.csv:value");
    const manifest = new Map(manifestTable.rows.map((row) => [row[nameAt] ?? "", row[valueAt] ?? ""]));
    const version = manifest.get("oneroster.version") ?? "";
    if (version !== "1.1" && version !== "1.2") throw csvError("manifest.csv must declare oneroster.version 1.1 or 1.2", "manifest.csv");
    const tables = CSV_COLUMNS[version];
    const wanted = (key: string) => {
      const mode = (manifest.get(`file.${key}`) ?? "absent").toLowerCase();
      if (mode !== "absent" && mode !== "bulk" && mode !== "delta") throw csvError(`manifest.csv gives file.${safeName(key)} an unknown mode`, "manifest.csv");
      return mode !== "absent";
    };
    const listed: (readonly [OneRosterKind | "roles", string])[] = [...(version === "1.2" ? [["roles", "roles.csv"] as const] : []), ...CSV_FILES];
    const pending: PendingFile[] = [];
    for (const [kind, file] of listed) {
      if (!wanted(kind)) continue;
      const table = CsvRows.open(need(file), file);
      const plans = planColumns(table.header, file, tables[kind], version);
      pending.push({
        kind,
        file,
        table,
        plans,
        count: { file, kind, rows: table.count, valid: 0, invalid: 0 },
        next: 0,
        columns: { sourcedId: [], classId: [], userId: [], lineItemId: [], json: [] },
      });
    }
    return new OneRosterCsvCheck(version, pending);
  }

  /** Rows checked so far. */
  get checkedRows(): number {
    return this.doneRows;
  }

  /** Whether every row was checked. */
  get finished(): boolean {
    return this.current >= this.pending.length;
  }

  /** Problems found, counting those beyond the report's first {@link MAX_CSV_PROBLEMS}. */
  get problemTotal(): number {
    return this.problemCount;
  }

  /** Per file: rows, valid and invalid. */
  counts(): CsvFileCount[] {
    return this.pending.map((entry) => ({ ...entry.count }));
  }

  /** The valid records per kind, in load order, for a store's bulk load (roles are folded into users). */
  batches(): { kind: OneRosterKind; columns: OneRosterRecordColumns }[] {
    return this.pending.filter((entry): entry is PendingFile & { kind: OneRosterKind } => entry.kind !== "roles").map((entry) => ({ kind: entry.kind, columns: entry.columns }));
  }

  /**
   * Checks every remaining row and hands over the valid records slice by slice, for a store's
   * bulk load to consume as they come: no slice is kept once handed over, so an export's records
   * are never all held at once (and {@link OneRosterCsvCheck.batches} holds none of them).
   */
  *drain(sliceRows = 4096): Generator<{ kind: OneRosterKind; columns: OneRosterRecordColumns }> {
    while (!this.finished) {
      const from = this.current;
      this.step(sliceRows);
      for (let index = from; index <= Math.min(this.current, this.pending.length - 1); index++) {
        const entry = this.pending[index]!;
        if (entry.kind === "roles" || entry.columns.sourcedId.length === 0) continue;
        const columns = entry.columns;
        entry.columns = { sourcedId: [], classId: [], userId: [], lineItemId: [], json: [] };
        yield { kind: entry.kind, columns };
      }
    }
  }

  /** Checks up to `budget` more rows; returns the rows checked so far. */
  step(budget: number): number {
    let left = budget;
    while (left > 0 && this.current < this.pending.length) {
      const entry = this.pending[this.current]!;
      const end = Math.min(entry.table.count, entry.next + left);
      if (entry.kind === "roles") this.checkRoles(entry, end);
      else this.checkRecords(entry, end);
      left -= end - entry.next;
      this.doneRows += end - entry.next;
      entry.next = end;
      if (end >= entry.table.count) this.current++;
    }
    return this.doneRows;
  }

  private problem(entry: PendingFile, line: number, column: string, message: string): void {
    entry.count.invalid++;
    this.problemCount++;
    if (this.problems.length < MAX_CSV_PROBLEMS) this.problems.push({ file: entry.file, line, column, message });
  }

  /** roles.csv (1.2): each user's roles as JSON objects, folded into users.csv rows later. */
  private checkRoles(entry: PendingFile, end: number): void {
    const roles = (this.roles ??= new Map());
    const { table, plans } = entry;
    const at = (name: string) => plans.findIndex((plan) => plan.name === name);
    const [user, roleType, role, org, status] = [at("userSourcedId"), at("roleType"), at("role"), at("orgSourcedId"), at("status")];
    const row: string[] = [];
    rows: for (let r = entry.next; r < end; r++) {
      table.read(r, row);
      const line = table.line(r);
      if (row.length !== plans.length) {
        this.problem(entry, line, "*", `the row has ${row.length} cells for ${plans.length} columns`);
        continue;
      }
      if (status >= 0 && row[status] === "tobedeleted") {
        entry.count.valid++;
        continue;
      }
      for (const [column, position] of [["userSourcedId", user], ["roleType", roleType], ["role", role], ["orgSourcedId", org]] as const) {
        const plan = plans[position]!;
        const value = row[position]!;
        if (value === "") {
          this.problem(entry, line, column, "a required value is missing");
          continue rows;
        }
        if (plan.values && !plan.values.has(value)) {
          this.problem(entry, line, column, "the value is not allowed here");
          continue rows;
        }
      }
      let list = roles.get(row[user]!);
      if (!list) roles.set(row[user]!, (list = []));
      list.push(`{"roleType":${json(row[roleType]!)},"role":${json(row[role]!)},"org":{"sourcedId":${json(row[org]!)},"type":"org"}}`);
      entry.count.valid++;
    }
  }

  /**
   * A data file: each valid row's record JSON written straight from its cells into one flat
   * string (parts joined once), no record object and no row array kept per row.
   */
  private checkRecords(entry: PendingFile, end: number): void {
    const { table, plans, columns, kind } = entry;
    const width = plans.length;
    const isUsers = kind === "users";
    const isClasses = kind === "classes";
    const v12 = this.version === "1.2";
    const roleAt = plans.findIndex((plan) => plan.name === "role");
    const orgsAt = plans.findIndex((plan) => plan.name === "orgSourcedIds");
    const roles = this.roles;
    const row: string[] = [];
    // parts[0] is the record's head (sourcedId, status, dateLastModified), filled once the row is read.
    const parts: string[] = [];
    const metadata: string[] = [];
    rows: for (let r = entry.next; r < end; r++) {
      table.read(r, row);
      if (row.length !== width) {
        this.problem(entry, table.line(r), "*", `the row has ${row.length} cells for ${width} columns`);
        continue;
      }
      let sourcedId = "";
      let status = "active";
      let modified = EPOCH;
      let classId: string | null = null;
      let userId: string | null = null;
      let lineItemId: string | null = null;
      parts.length = 1;
      metadata.length = 0;
      for (let c = 0; c < width; c++) {
        const plan = plans[c]!;
        const value = row[c]!;
        if (value === "") {
          if (plan.required) {
            this.problem(entry, table.line(r), plan.name, "a required value is missing");
            continue rows;
          }
          continue;
        }
        switch (plan.op) {
          case Op.Skip:
            break;
          case Op.SourcedId:
            sourcedId = value;
            break;
          case Op.Status:
            if (!plan.values!.has(value)) {
              this.problem(entry, table.line(r), plan.name, "the value is not allowed here");
              continue rows;
            }
            status = value;
            break;
          case Op.Modified:
            modified = json(value);
            break;
          case Op.Check:
            if (!plan.values!.has(value)) {
              this.problem(entry, table.line(r), plan.name, "the value is not allowed here");
              continue rows;
            }
            break;
          case Op.String:
            parts.push(plan.key, json(value));
            break;
          case Op.Enum:
            if (!plan.values!.has(value)) {
              this.problem(entry, table.line(r), plan.name, "the value is not allowed here");
              continue rows;
            }
            parts.push(plan.key, json(value));
            break;
          case Op.Number: {
            const number = Number(value);
            if (!Number.isFinite(number)) {
              this.problem(entry, table.line(r), plan.name, "the value is not a number");
              continue rows;
            }
            parts.push(plan.key, JSON.stringify(number));
            break;
          }
          case Op.Boolean:
          case Op.Truth: {
            const lower = value.length === 4 || value.length === 5 ? value.toLowerCase() : "";
            if (lower !== "true" && lower !== "false") {
              this.problem(entry, table.line(r), plan.name, "the value is not true or false");
              continue rows;
            }
            parts.push(plan.key, plan.op === Op.Boolean ? lower : `"${lower}"`);
            break;
          }
          case Op.List:
            parts.push(plan.key, listJson(value));
            break;
          case Op.Ref:
            parts.push(plan.key, '{"sourcedId":', json(value), plan.refTail);
            if (plan.index === "class") classId = value;
            else if (plan.index === "user") userId = value;
            else if (plan.index === "lineItem") lineItemId = value;
            break;
          case Op.RefList: {
            const ids = splitList(value);
            if (ids.length === 0 && plan.required) {
              this.problem(entry, table.line(r), plan.name, "a required value is missing");
              continue rows;
            }
            parts.push(plan.key, "[");
            for (let k = 0; k < ids.length; k++) parts.push(k === 0 ? '{"sourcedId":' : ',{"sourcedId":', json(ids[k]!), plan.refTail);
            parts.push("]");
            break;
          }
          case Op.Metadata:
            metadata.push(metadata.length === 0 ? "" : ",", plan.key, json(value));
            break;
        }
      }
      if (sourcedId.length > 256) {
        this.problem(entry, table.line(r), "sourcedId", "the value is too long");
        continue;
      }
      if (isClasses) classId = sourcedId;
      if (isUsers) {
        // 1.2: roles come from roles.csv; 1.1: from the users.csv role and orgSourcedIds columns.
        let userRoles: string[];
        if (v12) userRoles = roles?.get(sourcedId) ?? [];
        else {
          const role = roleAt >= 0 ? row[roleAt]! : "";
          userRoles = role === "" ? [] : splitList(orgsAt >= 0 ? row[orgsAt]! : "").map((org, index) => `{"roleType":"${index === 0 ? "primary" : "secondary"}","role":${json(role)},"org":{"sourcedId":${json(org)},"type":"org"}}`);
        }
        if (userRoles.length === 0) {
          this.problem(entry, table.line(r), v12 ? "roles" : orgsAt >= 0 && row[orgsAt] === "" ? "orgSourcedIds" : "role", "the user has no role in any org");
          continue;
        }
        parts.push(',"roles":[', userRoles.join(","), "]");
      }
      if (metadata.length > 0) parts.push(',"metadata":{', metadata.join(""), "}");
      parts.push("}");
      parts[0] = `{"sourcedId":${json(sourcedId)},"status":"${status}","dateLastModified":${modified}`;
      columns.sourcedId.push(sourcedId);
      columns.classId.push(classId);
      columns.userId.push(userId);
      columns.lineItemId.push(lineItemId);
      columns.json.push(parts.join(""));
      entry.count.valid++;
    }
  }
}

/** A comma-separated cell as a JSON array of its trimmed, non-empty parts. */
function listJson(value: string): string {
  if (value.indexOf(",") < 0) {
    const only = value.trim();
    return only === "" ? "[]" : `[${json(only)}]`;
  }
  return `[${splitList(value).map(json).join(",")}]`;
}
