import { isExtensionError } from "@mcp-verticals/core";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateSchool } from "../backend/seed.js";
import { EducationStore } from "../backend/store.js";
import { OrEnrollment } from "../schemas/oneroster.js";
import { importOneRosterCsv, parseCsv, rowsToRecords, writeOneRosterCsv } from "./oneroster-csv.js";

describe("OneRoster 1.2 CSV bulk import", async () => {
  const root = await mkdtemp(join(tmpdir(), "edu-csv-"));
  afterAll(() => rm(root, { recursive: true, force: true }));
  const school = generateSchool({ students: 120 });
  const folder = join(root, "bulk");
  await writeOneRosterCsv(folder, school);

  it("imports manifest.csv and every file it lists, with the same records", async () => {
    const store = new EducationStore(":memory:");
    const report = await importOneRosterCsv(folder, store);
    expect(report.problems).toEqual([]);
    expect(report.imported).toMatchObject({ users: school.users.length, enrollments: school.enrollments.length, classes: school.classes.length, results: school.results.length, lineItems: school.lineItems.length });
    const user = (await store.getUser("s-0007"))!;
    const original = school.users.find((u) => u.sourcedId === "s-0007")!;
    expect(user.roles[0]!.role).toBe("student");
    expect(user.givenName).toBe(original.givenName);
    expect((await store.getClass("cls-alg1-a"))!.terms[0]!.sourcedId).toBe("term-2026-fall");
    const result = school.results[0]!;
    expect((await store.getResult(result.sourcedId))!.score).toBe(result.score);
    store.close();
  });

  it("reports invalid rows by file, line and column without echoing values, and keeps the valid rows", async () => {
    const broken = join(root, "broken");
    await writeOneRosterCsv(broken, school);
    const users = (await readFile(join(broken, "users.csv"), "utf8")).split("\n");
    users[3] = users[3]!.replace(/,true,/, ",true,").replace(/^([^,]*),active,[^,]*,/, "$1,active,2026-08-01T00:00:00.000Z,");
    // Blank the givenName of line 4 (header is line 1).
    const cells = users[3]!.split(",");
    const secretName = cells[6]!;
    cells[6] = "";
    users[3] = cells.join(",");
    await writeFile(join(broken, "users.csv"), users.join("\n"));
    const store = new EducationStore(":memory:");
    const report = await importOneRosterCsv(broken, store);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ file: "users.csv", line: 4, column: "givenName" });
    expect(JSON.stringify(report)).not.toContain(secretName);
    expect(report.imported.users).toBe(school.users.length - 1);
    store.close();
  });

  it("fails with CSV_INVALID naming the file for a missing manifest or listed file, or a wrong version", async () => {
    const store = new EducationStore(":memory:");
    await expect(importOneRosterCsv(join(root, "nowhere"), store)).rejects.toMatchObject({ code: "CSV_INVALID", field: "manifest.csv" });
    const partial = join(root, "partial");
    await writeOneRosterCsv(partial, school);
    await rm(join(partial, "enrollments.csv"));
    await expect(importOneRosterCsv(partial, store)).rejects.toMatchObject({ code: "CSV_INVALID", field: "enrollments.csv" });
    await writeFile(join(partial, "manifest.csv"), "propertyName,value\noneroster.version,2.0\n");
    await expect(importOneRosterCsv(partial, store)).rejects.toMatchObject({ code: "CSV_INVALID" });
    store.close();
  });

  it("fuzzed CSV never crashes: it parses or fails with CSV_INVALID", async () => {
    const text = await readFile(join(folder, "enrollments.csv"), "utf8");
    let state = 7;
    const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const noise = ['"', ",", "\n", "\r", '""', "\u0000", "\ufeff", "x"];
    let rejected = 0;
    for (let run = 0; run < 400; run++) {
      let fuzzed = text.slice(0, 2000);
      for (let edit = 0; edit < 3; edit++) {
        const at = Math.floor(random() * fuzzed.length);
        fuzzed = fuzzed.slice(0, at) + noise[Math.floor(random() * noise.length)] + fuzzed.slice(at + (random() < 0.5 ? 1 : 0));
      }
      try {
        for (const record of rowsToRecords("enrollments", parseCsv(fuzzed, "enrollments.csv"))) OrEnrollment.safeParse(record);
      } catch (error) {
        if (!isExtensionError(error)) throw error;
        expect(error.code).toBe("CSV_INVALID");
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });
});
