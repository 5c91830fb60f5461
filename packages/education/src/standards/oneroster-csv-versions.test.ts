import { readFile } from "node:fs/promises";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateSchool } from "../backend/seed.js";
import { EducationStore, type OneRosterKind } from "../backend/store.js";
import { OrAcademicSession, OrCategory, OrClass, OrCourse, OrEnrollment, OrLineItem, OrOrg, OrResult, OrUser } from "../schemas/oneroster.js";
import { importOneRosterCsvFiles } from "./oneroster-csv-import.js";
import { parseCsv, rowsToRecords, writeOneRosterCsv } from "./oneroster-csv.js";

// A OneRoster 1.1 bulk export written for this test from the 1.1 CSV binding: users carry
// `role` and `orgSourcedIds`, categories have no weight, results no classSourcedId, and
// bulk rows leave status and dateLastModified blank.
const v11 = new Map<string, string>([
  ["manifest.csv", "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\nfile.academicSessions,bulk\nfile.categories,bulk\nfile.classes,bulk\nfile.classResources,absent\nfile.courses,bulk\nfile.courseResources,absent\nfile.demographics,absent\nfile.enrollments,bulk\nfile.lineItems,bulk\nfile.orgs,bulk\nfile.resources,absent\nfile.results,bulk\nfile.users,bulk\nsource.systemName,Example SIS\nsource.systemCode,ex\n"],
  ["orgs.csv", "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\nd1,,,Example District,district,D-1,\nsch1,,,Example High,school,S-1,d1\n"],
  ["academicSessions.csv", "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear\ny2026,,,2026-27,schoolYear,2026-08-15,2027-06-15,,2027\nt1,,,Fall,term,2026-08-15,2026-12-20,y2026,2027\n"],
  ["courses.csv", "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes\nc1,,,y2026,Algebra I,ALG1,09,sch1,Mathematics,\n"],
  ["classes.csv", "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\ncl1,,,Algebra I - 1,09,c1,ALG1-1,scheduled,Room 12,sch1,t1,Mathematics,,\"1,2\"\n"],
  ["users.csv", "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\nu-t,,,true,\"sch1,d1\",teacher,tkay,,Terry,Kay,,T-9,terry@example.org,,,,,hunter2\nu-s,,,true,sch1,student,sam,,Sam,Lee,J,S-7,,,,,09,\nu-x,,,true,,student,nobody,,Nora,Body,,,,,,,09,\n"],
  ["enrollments.csv", "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\ne1,,,cl1,sch1,u-t,teacher,true,2026-08-15,\ne2,,,cl1,sch1,u-s,student,false,2026-08-15,\n"],
  ["categories.csv", "sourcedId,status,dateLastModified,title\ncat1,,,Homework\n"],
  ["lineItems.csv", "sourcedId,status,dateLastModified,title,description,assignDate,dueDate,classSourcedId,categorySourcedId,gradingPeriodSourcedId,resultValueMin,resultValueMax\nli1,,,Problem set 1,,2026-09-01,2026-09-08,cl1,cat1,t1,0,10\n"],
  ["results.csv", "sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,score,scoreDate,comment\nr1,,,li1,u-s,fully graded,8.5,2026-09-10,Good work\n"],
]);

describe("OneRoster CSV: 1.1 and 1.2 bulk files", async () => {
  const root = await mkdtemp(join(tmpdir(), "edu-csv-v-"));
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("maps a 1.1 export explicitly: role + orgSourcedIds become roles, 1.1-only columns are read, passwords never stored", async () => {
    const store = new EducationStore(":memory:");
    const report = importOneRosterCsvFiles(v11, store);
    expect(report.version).toBe("1.1");
    expect(report.imported).toEqual({ orgs: 2, academicSessions: 2, categories: 1, courses: 1, classes: 1, users: 2, enrollments: 2, lineItems: 1, results: 1 });
    // u-x has a role but no org: reported by column, not imported.
    expect(report.problems).toEqual([{ file: "users.csv", line: 4, column: "orgSourcedIds", message: "the user has no role in any org" }]);
    const teacher = (await store.getUser("u-t"))!;
    expect(OrUser.parse(teacher)).toEqual(teacher);
    expect(teacher.roles).toEqual([{ roleType: "primary", role: "teacher", org: { sourcedId: "sch1", type: "org" } }, { roleType: "secondary", role: "teacher", org: { sourcedId: "d1", type: "org" } }]);
    expect(teacher).toMatchObject({ status: "active", enabledUser: true, givenName: "Terry" });
    expect(JSON.stringify(store.listRecords("users"))).not.toContain("hunter2");
    expect((await store.getClass("cl1"))!.periods).toEqual(["1", "2"]);
    expect(await store.getResult("r1")).toMatchObject({ score: 8.5, scoreStatus: "fully graded", lineItem: { sourcedId: "li1" }, student: { sourcedId: "u-s" } });
    expect((await store.listResults({ studentSourcedId: "u-s" })).map((r) => r.sourcedId)).toEqual(["r1"]);
    expect(await store.listEnrollments({ classSourcedId: "cl1" })).toHaveLength(2);
    store.close();
  });

  it("reports a malformed header by file and column, for each version's own columns", () => {
    const cases: [string, string, string][] = [
      // 1.2-only columns in a 1.1 file, a misspelling, a duplicate, an empty name, a missing required column.
      ["categories.csv", "sourcedId,status,dateLastModified,title,weight\n", "categories.csv:weight"],
      ["users.csv", v11.get("users.csv")!.replace("givenName", "givenname"), "users.csv:givenname"],
      ["orgs.csv", "sourcedId,status,dateLastModified,name,type,type\n", "orgs.csv:type"],
      ["orgs.csv", "sourcedId,status,,name,type\n", "orgs.csv:column 3"],
      ["results.csv", "sourcedId,status,dateLastModified,lineItemSourcedId,scoreStatus,score,scoreDate\n", "results.csv:studentSourcedId"],
    ];
    for (const [file, text, field] of cases) {
      const files = new Map(v11);
      files.set(file, text);
      expect(() => importOneRosterCsvFiles(files, new EducationStore(":memory:")), field).toThrow(expect.objectContaining({ code: "CSV_INVALID", field }));
    }
    // metadata.* extension columns are allowed and kept.
    const files = new Map(v11);
    files.set("categories.csv", "sourcedId,status,dateLastModified,title,metadata.color\ncat1,,,Homework,blue\n");
    const store = new EducationStore(":memory:");
    importOneRosterCsvFiles(files, store);
    expect(store.getRecord("categories", "cat1")).toMatchObject({ metadata: { color: "blue" } });
    // In 1.2 the 1.1 users.csv columns are not valid: roles live in roles.csv.
    const as12 = new Map(v11);
    as12.set("manifest.csv", v11.get("manifest.csv")!.replace("oneroster.version,1.1", "oneroster.version,1.2"));
    expect(() => importOneRosterCsvFiles(as12, new EducationStore(":memory:"))).toThrow(expect.objectContaining({ field: "users.csv:orgSourcedIds" }));
  });

  it("1.2: the fast path stores exactly what the reference path (csv-parse, mapping, zod) stores", async () => {
    const school = generateSchool({ students: 150 });
    const folder = join(root, "v12");
    await writeOneRosterCsv(folder, school);
    const files = new Map<string, string>();
    for (const name of ["manifest.csv", "roles.csv", "orgs.csv", "academicSessions.csv", "categories.csv", "courses.csv", "classes.csv", "users.csv", "enrollments.csv", "lineItems.csv", "results.csv"]) files.set(name, await readFile(join(folder, name), "utf8"));
    const fast = new EducationStore(":memory:");
    expect(importOneRosterCsvFiles(files, fast).problems).toEqual([]);
    const schemas = { orgs: OrOrg, academicSessions: OrAcademicSession, categories: OrCategory, courses: OrCourse, classes: OrClass, users: OrUser, enrollments: OrEnrollment, lineItems: OrLineItem, results: OrResult };
    const roles = new Map<string, { role: string; org: string; roleType: string }[]>();
    for (const row of parseCsv(files.get("roles.csv")!, "roles.csv")) roles.set(row.userSourcedId!, [...(roles.get(row.userSourcedId!) ?? []), { role: row.role!, org: row.orgSourcedId!, roleType: row.roleType! }]);
    for (const [kind, schema] of Object.entries(schemas) as [OneRosterKind, (typeof schemas)[keyof typeof schemas]][]) {
      const reference = rowsToRecords(kind, parseCsv(files.get(`${kind}.csv`)!, `${kind}.csv`), roles).map((record) => schema.parse(record) as { sourcedId: string });
      const stored = fast.listRecords<{ sourcedId: string }>(kind);
      expect(stored.length, kind).toBe(reference.length);
      const byId = new Map(reference.map((record) => [record.sourcedId, record]));
      for (const record of stored) {
        expect(schema.parse(record), kind).toEqual(record);
        expect(record, kind).toEqual(byId.get(record.sourcedId));
      }
    }
    // The index columns the queries use match too.
    const learner = school.enrollments.find((e) => e.role === "student")!.user.sourcedId;
    expect((await fast.listEnrollments({ userSourcedId: learner })).length).toBe(school.enrollments.filter((e) => e.user.sourcedId === learner).length);
    expect((await fast.listResults({ studentSourcedId: learner })).length).toBe(school.results.filter((r) => r.student.sourcedId === learner).length);
  });

  it("reads RFC 4180 quoting: doubled quotes, commas and line breaks in cells, CRLF, BOM; an open quote fails the file with its line", () => {
    const files = new Map(v11);
    files.set("categories.csv", '\ufeffsourcedId,status,dateLastModified,title\r\ncat1,,,"Home ""work"", and\r\nmore"\r\n\r\ncat2,,,Plain\r\n');
    const store = new EducationStore(":memory:");
    expect(importOneRosterCsvFiles(files, store).imported.categories).toBe(2);
    expect(store.getRecord("categories", "cat1")).toMatchObject({ title: 'Home "work", and\r\nmore' });
    files.set("categories.csv", 'sourcedId,status,dateLastModified,title\ncat1,,,ok\ncat2,,,"never closed\n');
    expect(() => importOneRosterCsvFiles(files, new EducationStore(":memory:"))).toThrow(expect.objectContaining({ code: "CSV_INVALID", field: "categories.csv", message: expect.stringContaining("line 3") }));
    files.set("categories.csv", "sourcedId,status,dateLastModified,title\ncat1,,,a,extra\ncat2,,,b\n");
    const partial = importOneRosterCsvFiles(files, new EducationStore(":memory:"));
    expect(partial.problems.filter((p) => p.file === "categories.csv")).toEqual([{ file: "categories.csv", line: 2, column: "*", message: "the row has 5 cells for 4 columns" }]);
    expect(partial.imported.categories).toBe(1);
  });
});
