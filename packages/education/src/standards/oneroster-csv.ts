import { ExtensionError } from "@mcp-verticals/core";
import { parse } from "csv-parse/sync";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { EducationRecords, OneRosterKind } from "../backend/store.js";
import { CSV_FILES } from "./oneroster-csv-columns.js";
import { importOneRosterCsvFiles, type CsvImportReport } from "./oneroster-csv-import.js";

export type { CsvImportReport, CsvProblem } from "./oneroster-csv-import.js";
import type { SyntheticSchool } from "../backend/seed.js";

/** Largest CSV file the importer reads. */
export const MAX_CSV_BYTES = 200 * 1024 * 1024;

/** One parsed CSV record: column header to cell text. */
export type Row = Record<string, string>;


const csvError = (message: string, field = "import") => new ExtensionError("CSV_INVALID", message, { field });
const list = (value: string | undefined) => (value ? value.split(",").map((part) => part.trim()).filter(Boolean) : undefined);
const ref = (sourcedId: string | undefined, type: string) => (sourcedId ? { sourcedId, type } : undefined);
const num = (value: string | undefined) => (value === undefined || value === "" ? undefined : Number(value));
const common = (row: Row) => ({ sourcedId: row.sourcedId ?? "", status: (row.status || "active") as "active", dateLastModified: row.dateLastModified || new Date(0).toISOString() });
const clean = <T extends Record<string, unknown>>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== "")) as T;

/** Parses CSV text with csv-parse (headers from the first line); malformed CSV becomes CSV_INVALID naming the file. */
export function parseCsv(text: string, file: string): Row[] {
  try {
    return parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true, relax_column_count: false, max_record_size: 1_000_000 }) as Row[];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw csvError(`${file} is not valid CSV${line ? ` (near line ${line})` : ""}`, file);
  }
}

/** Parses manifest.csv into property → value. */
export function parseManifest(text: string): Map<string, string> {
  const rows = parseCsv(text, "manifest.csv");
  const map = new Map<string, string>();
  for (const row of rows) {
    if (row.propertyName === undefined || row.value === undefined) throw csvError("manifest.csv needs the columns propertyName and value", "manifest.csv");
    map.set(row.propertyName, row.value);
  }
  return map;
}

/** Converts CSV rows of one file to OneRoster records (1.2 column names). */
export function rowsToRecords(kind: OneRosterKind, rows: Row[], roles?: Map<string, { role: string; org: string; roleType: string }[]>): unknown[] {
  switch (kind) {
    case "orgs":
      return rows.map((r) => clean({ ...common(r), name: r.name, type: r.type, identifier: r.identifier, parent: ref(r.parentSourcedId, "org") }));
    case "academicSessions":
      return rows.map((r) => clean({ ...common(r), title: r.title, type: r.type, startDate: r.startDate, endDate: r.endDate, parent: ref(r.parentSourcedId, "academicSession"), schoolYear: r.schoolYear }));
    case "categories":
      return rows.map((r) => clean({ ...common(r), title: r.title, weight: num(r.weight) }));
    case "courses":
      return rows.map((r) => clean({ ...common(r), title: r.title, courseCode: r.courseCode, grades: list(r.grades), subjects: list(r.subjects), org: ref(r.orgSourcedId, "org"), schoolYear: ref(r.schoolYearSourcedId, "academicSession") }));
    case "classes":
      return rows.map((r) =>
        clean({
          ...common(r),
          title: r.title,
          classCode: r.classCode,
          classType: r.classType,
          location: r.location,
          grades: list(r.grades),
          subjects: list(r.subjects),
          course: ref(r.courseSourcedId, "course"),
          school: ref(r.schoolSourcedId, "org"),
          terms: list(r.termSourcedIds)?.map((id) => ({ sourcedId: id, type: "academicSession" })),
          periods: list(r.periods),
        }),
      );
    case "users":
      return rows.map((r) => {
        const fromRoles = roles?.get(r.sourcedId ?? "");
        const orgs = list(r.orgSourcedIds) ?? [];
        const userRoles = fromRoles?.length
          ? fromRoles.map((role) => ({ roleType: role.roleType === "secondary" ? "secondary" : "primary", role: role.role, org: { sourcedId: role.org, type: "org" } }))
          : r.role
            ? orgs.map((org, index) => ({ roleType: index === 0 ? "primary" : "secondary", role: r.role, org: { sourcedId: org, type: "org" } }))
            : [];
        return clean({
          ...common(r),
          enabledUser: (r.enabledUser ?? "true").toLowerCase() !== "false",
          username: r.username,
          givenName: r.givenName,
          familyName: r.familyName,
          middleName: r.middleName,
          email: r.email,
          sms: r.sms,
          phone: r.phone,
          identifier: r.identifier,
          roles: userRoles,
          grades: list(r.grades),
          birthDate: r.birthDate,
        });
      });
    case "enrollments":
      return rows.map((r) =>
        clean({
          ...common(r),
          user: ref(r.userSourcedId, "user"),
          class: ref(r.classSourcedId, "class"),
          school: ref(r.schoolSourcedId, "org"),
          role: r.role,
          primary: r.primary === undefined || r.primary === "" ? undefined : r.primary.toLowerCase() === "true",
          beginDate: r.beginDate,
          endDate: r.endDate,
        }),
      );
    case "lineItems":
      return rows.map((r) =>
        clean({
          ...common(r),
          title: r.title,
          description: r.description,
          assignDate: r.assignDate,
          dueDate: r.dueDate,
          class: ref(r.classSourcedId, "class"),
          school: ref(r.schoolSourcedId, "org"),
          category: ref(r.categorySourcedId, "category"),
          gradingPeriod: ref(r.gradingPeriodSourcedId, "academicSession"),
          resultValueMin: num(r.resultValueMin),
          resultValueMax: num(r.resultValueMax),
        }),
      );
    case "results":
      return rows.map((r) =>
        clean({
          ...common(r),
          lineItem: ref(r.lineItemSourcedId, "lineItem"),
          student: ref(r.studentSourcedId, "user"),
          class: ref(r.classSourcedId, "class"),
          scoreStatus: r.scoreStatus,
          score: num(r.score),
          scoreDate: r.scoreDate,
          comment: r.comment,
          late: r.late?.toLowerCase() || undefined,
          missing: r.missing?.toLowerCase() || undefined,
        }),
      );
  }
}


/**
 * Imports a OneRoster 1.1 or 1.2 CSV bulk folder: reads `manifest.csv` and the files it
 * lists, then hands them to {@link importOneRosterCsvFiles}.
 *
 * @example
 * ```ts
 * const report = await importOneRosterCsv("./oneroster-export", store);
 * report.imported.users; // 10000
 * ```
 * @throws ExtensionError `CSV_INVALID` naming the file for missing or malformed files.
 * @category OneRoster
 */
export async function importOneRosterCsv(folder: string, store: EducationRecords): Promise<CsvImportReport> {
  const read = async (file: string): Promise<string | undefined> => {
    let text: string;
    try {
      text = await readFile(join(folder, file), "utf8");
    } catch {
      return undefined;
    }
    if (text.length > MAX_CSV_BYTES) throw csvError(`${file} is too large`, file);
    return text;
  };
  const files = new Map<string, string>();
  for (const file of ["manifest.csv", "roles.csv", ...CSV_FILES.map(([, name]) => name)]) {
    const text = await read(file);
    if (text !== undefined) files.set(file, text);
  }
  return importOneRosterCsvFiles(files, store);
}

const quote = (value: unknown): string => {
  const text = value === undefined || value === null ? "" : Array.isArray(value) ? value.join(",") : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * Writes a school as a OneRoster 1.2 CSV bulk folder (manifest.csv, roles.csv and the data
 * files), e.g. to produce import fixtures.
 *
 * @example
 * ```ts
 * await writeOneRosterCsv("./export", generateSchool({ students: 10_000 }));
 * ```
 */
export async function writeOneRosterCsv(folder: string, school: SyntheticSchool): Promise<void> {
  await mkdir(folder, { recursive: true });
  const write = (file: string, header: string[], rows: unknown[][]) => writeFile(join(folder, file), [header.join(","), ...rows.map((row) => row.map(quote).join(","))].join("\n") + "\n");
  const s = (r: { sourcedId: string; status: string; dateLastModified: string }) => [r.sourcedId, r.status, r.dateLastModified];
  const base = ["sourcedId", "status", "dateLastModified"];
  await write("manifest.csv", ["propertyName", "value"], [
    ["manifest.version", "1.0"],
    ["oneroster.version", "1.2"],
    ...["academicSessions", "categories", "classes", "courses", "enrollments", "lineItems", "orgs", "results", "roles", "users"].map((name) => [`file.${name}`, "bulk"]),
    ...["classResources", "courseResources", "demographics", "resources", "scoreScales", "userProfiles", "userResources", "lineItemLearningObjectiveIds", "resultLearningObjectiveIds", "lineItemScoreScales", "resultScoreScales"].map((name) => [`file.${name}`, "absent"]),
    ["source.systemName", "mcp-verticals synthetic school"],
    ["source.systemCode", "mcpv-edu"],
  ]);
  await write("orgs.csv", [...base, "name", "type", "identifier", "parentSourcedId"], school.orgs.map((r) => [...s(r), r.name, r.type, r.identifier, r.parent?.sourcedId]));
  await write("academicSessions.csv", [...base, "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"], school.academicSessions.map((r) => [...s(r), r.title, r.type, r.startDate, r.endDate, r.parent?.sourcedId, r.schoolYear]));
  await write("categories.csv", [...base, "title", "weight"], school.categories.map((r) => [...s(r), r.title, r.weight]));
  await write("courses.csv", [...base, "schoolYearSourcedId", "title", "courseCode", "grades", "orgSourcedId", "subjects", "subjectCodes"], school.courses.map((r) => [...s(r), r.schoolYear?.sourcedId, r.title, r.courseCode, r.grades, r.org.sourcedId, r.subjects, ""]));
  await write(
    "classes.csv",
    [...base, "title", "grades", "courseSourcedId", "classCode", "classType", "location", "schoolSourcedId", "termSourcedIds", "subjects", "subjectCodes", "periods"],
    school.classes.map((r) => [...s(r), r.title, r.grades, r.course.sourcedId, r.classCode, r.classType, r.location, r.school.sourcedId, r.terms.map((t) => t.sourcedId), r.subjects, "", r.periods]),
  );
  await write(
    "users.csv",
    [...base, "enabledUser", "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades", "password", "userMasterIdentifier", "preferredGivenName", "preferredMiddleName", "preferredFamilyName", "primaryOrgSourcedId", "pronouns"],
    school.users.map((r) => [...s(r), r.enabledUser, r.username, "", r.givenName, r.familyName, r.middleName, r.identifier, r.email, r.sms, r.phone, "", r.grades, "", "", "", "", "", r.roles[0]?.org.sourcedId, ""]),
  );
  await write(
    "roles.csv",
    [...base, "userSourcedId", "roleType", "role", "beginDate", "endDate", "orgSourcedId", "userProfileSourcedId"],
    school.users.flatMap((u) => u.roles.map((role, index) => [`role-${u.sourcedId}-${index}`, "active", u.dateLastModified, u.sourcedId, role.roleType, role.role, "", "", role.org.sourcedId, ""])),
  );
  await write("enrollments.csv", [...base, "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary", "beginDate", "endDate"], school.enrollments.map((r) => [...s(r), r.class.sourcedId, r.school.sourcedId, r.user.sourcedId, r.role, r.primary, r.beginDate, r.endDate]));
  await write(
    "lineItems.csv",
    [...base, "title", "description", "assignDate", "dueDate", "classSourcedId", "categorySourcedId", "gradingPeriodSourcedId", "resultValueMin", "resultValueMax", "schoolSourcedId"],
    school.lineItems.map((r) => [...s(r), r.title, r.description, r.assignDate, r.dueDate, r.class.sourcedId, r.category.sourcedId, r.gradingPeriod?.sourcedId, r.resultValueMin, r.resultValueMax, r.school?.sourcedId]),
  );
  await write(
    "results.csv",
    [...base, "lineItemSourcedId", "studentSourcedId", "classSourcedId", "scoreStatus", "score", "scoreDate", "comment", "late", "missing"],
    school.results.map((r) => [...s(r), r.lineItem.sourcedId, r.student.sourcedId, r.class?.sourcedId, r.scoreStatus, r.score, r.scoreDate, r.comment, r.late, r.missing]),
  );
}
