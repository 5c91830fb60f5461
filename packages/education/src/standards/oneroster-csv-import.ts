import { ExtensionError } from "@mcp-verticals/core";
import type { EducationStore, OneRosterKind } from "../backend/store.js";
import { CSV_COLUMNS, CSV_FILES, type CsvColumn, type OneRosterCsvVersion } from "./oneroster-csv-columns.js";

/** One problem found while importing, located by file, line and column: never the value. */
export interface CsvProblem {
  file: string;
  line: number;
  column: string;
  message: string;
}

/** What an import did. */
export interface CsvImportReport {
  version: string;
  imported: Partial<Record<OneRosterKind, number>>;
  problems: CsvProblem[];
}

/** The files of one bulk export: file name (`manifest.csv`, `users.csv`, …) to its text. */
export type OneRosterCsvFiles = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

const MAX_PROBLEMS = 1000;
const csvError = (message: string, field: string) => new ExtensionError("CSV_INVALID", message, { field });
// Header names are reported, but only when they look like names, never arbitrary file content.
const safeName = (name: string) => (/^[A-Za-z0-9_. -]{1,64}$/.test(name) ? name : "(unprintable)");

/** A CSV file read as rows of cells (RFC 4180: quotes, doubled quotes, CRLF or LF, optional BOM). */
export interface CsvTable {
  header: string[];
  rows: string[][];
  /** The 1-based line each row starts on. */
  lines: number[];
}

/**
 * Reads CSV text in one pass into a header and rows of trimmed cells; blank lines are skipped.
 *
 * @example
 * ```ts
 * readCsvTable("sourcedId,title\ncat1,Homework\n", "categories.csv").rows; // [["cat1", "Homework"]]
 * ```
 * @throws ExtensionError `CSV_INVALID` naming the file (and the line) for an unterminated quote or text after a closing quote.
 * @category OneRoster
 */
export function readCsvTable(text: string, file: string): CsvTable {
  const rows: string[][] = [];
  const lines: number[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    const row: string[] = [];
    for (;;) {
      let cell: string;
      if (text.charCodeAt(i) === 34) {
        let out = "";
        let from = ++i;
        for (;;) {
          const quote = text.indexOf('"', i);
          if (quote < 0) throw csvError(`${file} is not valid CSV (unterminated quote starting near line ${start})`, file);
          for (let k = text.indexOf("\n", i); k >= 0 && k < quote; k = text.indexOf("\n", k + 1)) line++;
          if (text.charCodeAt(quote + 1) === 34) {
            out += text.slice(from, quote + 1);
            i = from = quote + 2;
            continue;
          }
          out += text.slice(from, quote);
          i = quote + 1;
          break;
        }
        cell = out;
        const next = text.charCodeAt(i);
        if (i < n && next !== 44 && next !== 10 && next !== 13) throw csvError(`${file} is not valid CSV (text after a closing quote near line ${line})`, file);
      } else {
        let end = i;
        while (end < n) {
          const c = text.charCodeAt(end);
          if (c === 44 || c === 10 || c === 13) break;
          end++;
        }
        cell = text.slice(i, end);
        i = end;
      }
      row.push(cell.trim());
      const c = text.charCodeAt(i);
      if (c === 44) {
        i++;
        continue;
      }
      if (c === 13) i++;
      if (text.charCodeAt(i) === 10) i++;
      line++;
      break;
    }
    // Blank lines are skipped (csv-parse skip_empty_lines).
    if (row.length === 1 && row[0] === "") continue;
    rows.push(row);
    lines.push(start);
  }
  if (rows.length === 0) throw csvError(`${file} has no header line`, file);
  return { header: rows[0]!, rows: rows.slice(1), lines: lines.slice(1) };
}

/** Checks a header against the version's columns; returns column index → spec (metadata.* columns kept as metadata). */
function checkHeader(header: string[], file: string, columns: Record<string, CsvColumn>, version: OneRosterCsvVersion): (CsvColumn & { name: string; metadata?: string; key?: string })[] {
  const seen = new Set<string>();
  const specs = header.map((name, index) => {
    const where = `${file}:${safeName(name) === "(unprintable)" ? `column ${index + 1}` : name}`;
    if (name === "") throw csvError(`${file} has an empty column name at column ${index + 1}`, `${file}:column ${index + 1}`);
    if (seen.has(name)) throw csvError(`${file} repeats the column ${safeName(name)} (column ${index + 1})`, where);
    seen.add(name);
    if (name.startsWith("metadata.") && name.length > 9) return { type: "string" as const, name, metadata: name.slice(9) };
    const spec = columns[name];
    if (!spec) throw csvError(`${file} column ${index + 1} (${safeName(name)}) is not a OneRoster ${version} ${file} column`, where);
    return { ...spec, name, ...(spec.field ? { key: `,${JSON.stringify(spec.field)}:` } : {}) };
  });
  for (const [name, spec] of Object.entries(columns)) {
    if (spec.required && !seen.has(name)) throw csvError(`${file} lacks the required column ${name}`, `${file}:${name}`);
  }
  return specs;
}

type Roles = Map<string, { roleType: string; role: string; org: { sourcedId: string; type: string } }[]>;

const EPOCH = new Date(0).toISOString();
const splitList = (value: string) => value.split(",").map((part) => part.trim()).filter(Boolean);

/**
 * Imports a OneRoster 1.1 or 1.2 CSV bulk export given as files (name → text), e.g. read
 * from a folder or received by a tool. Reads `manifest.csv`, then every file it marks `bulk`
 * or `delta`; checks each header against the version's columns (a malformed header fails the
 * import naming the file and column); converts and validates each row in one pass from the
 * column table; writes valid rows through one prepared statement in one transaction. Invalid
 * rows are reported by file, line and column (never by value) and skipped.
 *
 * @example
 * ```ts
 * const report = importOneRosterCsvFiles(new Map([["manifest.csv", manifest], ["users.csv", users]]), store);
 * ```
 * @throws ExtensionError `CSV_INVALID` naming the file (and column) for a missing manifest or
 * listed file, an unsupported version, malformed CSV or a malformed header.
 * @category OneRoster
 */
export function importOneRosterCsvFiles(files: OneRosterCsvFiles, store: EducationStore): CsvImportReport {
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
  const problems: CsvProblem[] = [];
  const problem = (file: string, line: number, column: string, message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ file, line, column, message });
  };

  let roles: Roles | undefined;
  if (version === "1.2" && wanted("roles")) {
    roles = new Map();
    const table = readCsvTable(need("roles.csv"), "roles.csv");
    const specs = checkHeader(table.header, "roles.csv", tables.roles, version);
    const at = (name: string) => specs.findIndex((spec) => spec.name === name);
    const [user, roleType, role, org, status] = [at("userSourcedId"), at("roleType"), at("role"), at("orgSourcedId"), at("status")];
    table.rows.forEach((row, index) => {
      if (row.length !== specs.length) return problem("roles.csv", table.lines[index]!, "*", `the row has ${row.length} cells for ${specs.length} columns`);
      if (status >= 0 && row[status] === "tobedeleted") return;
      for (const [column, position] of [["userSourcedId", user], ["roleType", roleType], ["role", role], ["orgSourcedId", org]] as const) {
        const spec = specs[position]!;
        const value = row[position]!;
        if (value === "") return problem("roles.csv", table.lines[index]!, column, "a required value is missing");
        if (spec.values && !spec.values.has(value)) return problem("roles.csv", table.lines[index]!, column, "the value is not allowed here");
      }
      const list = roles!.get(row[user]!) ?? [];
      list.push({ roleType: row[roleType]!, role: row[role]!, org: { sourcedId: row[org]!, type: "org" } });
      roles!.set(row[user]!, list);
    });
  }

  const batches: { kind: OneRosterKind; rows: { id: string; classId: string | null; userId: string | null; lineItemId: string | null; json: string }[] }[] = [];
  for (const [kind, file] of CSV_FILES) {
    if (!wanted(kind)) continue;
    const table = readCsvTable(need(file), file);
    const specs = checkHeader(table.header, file, tables[kind], version);
    const roleAt = specs.findIndex((spec) => spec.name === "role");
    const orgsAt = specs.findIndex((spec) => spec.name === "orgSourcedIds");
    const out: (typeof batches)[number]["rows"] = [];
    const width = specs.length;
    rows: for (let r = 0; r < table.rows.length; r++) {
      const row = table.rows[r]!;
      const line = table.lines[r]!;
      if (row.length !== width) {
        problem(file, line, "*", `the row has ${row.length} cells for ${width} columns`);
        continue;
      }
      // The record's JSON is written directly from the cells: no intermediate record object per row.
      let sourcedId = "";
      let status = "active";
      let modified = EPOCH;
      let body = "";
      let classId: string | null = null;
      let userId: string | null = null;
      let lineItemId: string | null = null;
      let metadata = "";
      for (let c = 0; c < width; c++) {
        const spec = specs[c]!;
        const value = row[c]!;
        if (value === "") {
          if (spec.required) {
            problem(file, line, spec.name, "a required value is missing");
            continue rows;
          }
          continue;
        }
        if (spec.metadata !== undefined) {
          metadata += `${metadata === "" ? "" : ","}${JSON.stringify(spec.metadata)}:${JSON.stringify(value)}`;
          continue;
        }
        const field = spec.field;
        if (field === "sourcedId") {
          sourcedId = value;
          continue;
        }
        if (field === "status" || (field === undefined && spec.values !== undefined)) {
          if (!spec.values!.has(value)) {
            problem(file, line, spec.name, "the value is not allowed here");
            continue rows;
          }
          if (field === "status") status = value;
          continue;
        }
        if (field === "dateLastModified") {
          modified = value;
          continue;
        }
        if (field === undefined) continue;
        const key = spec.key!;
        switch (spec.type) {
          case "string":
            body += `${key}${JSON.stringify(value)}`;
            break;
          case "enum":
            if (!spec.values!.has(value)) {
              problem(file, line, spec.name, "the value is not allowed here");
              continue rows;
            }
            body += `${key}${JSON.stringify(value)}`;
            break;
          case "number": {
            const number = Number(value);
            if (!Number.isFinite(number)) {
              problem(file, line, spec.name, "the value is not a number");
              continue rows;
            }
            body += `${key}${JSON.stringify(number)}`;
            break;
          }
          case "boolean":
          case "truth": {
            const lower = value.toLowerCase();
            if (lower !== "true" && lower !== "false") {
              problem(file, line, spec.name, "the value is not true or false");
              continue rows;
            }
            body += spec.type === "boolean" ? `${key}${lower}` : `${key}"${lower}"`;
            break;
          }
          case "list":
            body += `${key}${JSON.stringify(splitList(value))}`;
            break;
          case "ref":
            body += `${key}{"sourcedId":${JSON.stringify(value)},"type":"${spec.refType!}"}`;
            if (spec.index === "class") classId = value;
            else if (spec.index === "user") userId = value;
            else if (spec.index === "lineItem") lineItemId = value;
            break;
          case "refList": {
            const ids = splitList(value);
            if (ids.length === 0 && spec.required) {
              problem(file, line, spec.name, "a required value is missing");
              continue rows;
            }
            body += `${key}[${ids.map((id) => `{"sourcedId":${JSON.stringify(id)},"type":"${spec.refType!}"}`).join(",")}]`;
            break;
          }
        }
      }
      if (sourcedId.length > 256) {
        problem(file, line, "sourcedId", "the value is too long");
        continue;
      }
      if (kind === "classes") classId = sourcedId;
      if (kind === "users") {
        // 1.2: roles come from roles.csv; 1.1: from the users.csv role and orgSourcedIds columns.
        const userRoles = version === "1.2"
          ? (roles?.get(sourcedId) ?? [])
          : roleAt >= 0 && row[roleAt] !== "" ? splitList(orgsAt >= 0 ? row[orgsAt]! : "").map((org, index) => ({ roleType: index === 0 ? "primary" : "secondary", role: row[roleAt]!, org: { sourcedId: org, type: "org" } })) : [];
        if (userRoles.length === 0) {
          problem(file, line, version === "1.2" ? "roles" : orgsAt >= 0 && row[orgsAt] === "" ? "orgSourcedIds" : "role", "the user has no role in any org");
          continue;
        }
        body += `,"roles":${JSON.stringify(userRoles)}`;
      }
      if (metadata !== "") body += `,"metadata":{${metadata}}`;
      out.push({ id: sourcedId, classId, userId, lineItemId, json: `{"sourcedId":${JSON.stringify(sourcedId)},"status":"${status}","dateLastModified":${JSON.stringify(modified)}${body}}` });
    }
    batches.push({ kind, rows: out });
  }
  const imported: Partial<Record<OneRosterKind, number>> = {};
  store.transaction(() => {
    for (const { kind, rows } of batches) {
      for (const row of rows) store.putRecordJson(kind, row.id, row.classId, row.userId, row.lineItemId, row.json);
      imported[kind] = rows.length;
    }
  });
  return { version, imported, problems };
}
