import { isExtensionError } from "@mcp-verticals/core";
import { describe, expect, it } from "vitest";
import { generateSchool } from "../backend/seed.js";
import { EducationStore } from "../backend/store.js";
import { OneRosterCsvCheck } from "./oneroster-csv-check.js";
import { importOneRosterCsvFiles } from "./oneroster-csv-import.js";
import { CsvRows, readCsvTable } from "./oneroster-csv-reader.js";
import { writeOneRosterCsv } from "./oneroster-csv.js";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Every row CsvRows reads, or the error it throws. */
function rowsOf(text: string): { header: string[]; rows: string[][]; lines: number[] } | { error: string } {
  try {
    const table = CsvRows.open(text, "t.csv");
    const rows = Array.from({ length: table.count }, (_, r) => [...table.read(r, [])]);
    return { header: table.header, rows, lines: rows.map((_, r) => table.line(r)) };
  } catch (error) {
    if (!isExtensionError(error)) throw error;
    return { error: `${error.code} ${error.message}` };
  }
}

function tableOf(text: string): { header: string[]; rows: string[][]; lines: number[] } | { error: string } {
  try {
    return readCsvTable(text, "t.csv");
  } catch (error) {
    if (!isExtensionError(error)) throw error;
    return { error: `${error.code} ${error.message}` };
  }
}

describe("CsvRows (row-at-a-time CSV reading)", () => {
  it("reads what readCsvTable reads: quotes, doubled quotes, CRLF, BOM, blank and whitespace-only lines", () => {
    const cases = [
      "a,b\n1,2\n",
      "\ufeffa,b\r\n1,2\r\n\r\n3,4",
      'a,b\n"x, ""y""",2\n"multi\nline",3\n\n   \n""\n\u00a0\n5,6\n',
      "a\n\n\n",
      'a,b\n" padded ", b \n',
      "a,b\n1,2,3\n4\n",
    ];
    for (const text of cases) expect(rowsOf(text)).toEqual(tableOf(text));
  });

  it("refuses what readCsvTable refuses, with the same error", () => {
    for (const text of ["", "\n\n", 'a,b\n"open,2\n', 'a,b\n"x"y,2\n', 'a\n"line\nbreak"z\n']) {
      const expected = tableOf(text);
      expect("error" in expected).toBe(true);
      expect(rowsOf(text)).toEqual(expected);
    }
  });

  it("agrees with readCsvTable on 2,000 random texts built from CSV's special characters", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = ['"', ",", "\n", "\r", " ", "a", "b", '""', "\ufeff", "\t"];
    for (let run = 0; run < 2000; run++) {
      const text = Array.from({ length: 1 + Math.floor(random() * 24) }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
      expect(rowsOf(text), JSON.stringify(text)).toEqual(tableOf(text));
    }
  });
});

describe("importOneRosterCsvFiles (checked and stored slice by slice)", async () => {
  const root = await mkdtemp(join(tmpdir(), "edu-csv-rows-"));
  const school = generateSchool({ students: 1200 });
  await writeOneRosterCsv(root, school);
  const files = new Map<string, string>();
  for (const name of await readdir(root)) files.set(name, await readFile(join(root, name), "utf8"));
  await rm(root, { recursive: true, force: true });

  it("stores exactly the records a whole check hands to the store at once, and reports the same counts", () => {
    const streamed = new EducationStore(":memory:");
    const report = importOneRosterCsvFiles(files, streamed);
    const whole = new EducationStore(":memory:");
    const check = OneRosterCsvCheck.open(files);
    check.step(Number.MAX_SAFE_INTEGER);
    whole.putRecordColumns(check.batches());
    // Slices of 4,096 rows: enrollments span several, so a kind's records arrive in more than one batch.
    expect(school.enrollments.length).toBeGreaterThan(4096);
    const rows = (store: EducationStore) => store.allStoredRows().filter((entry) => entry.table === "oneroster").map((entry) => entry.row);
    expect(rows(streamed)).toEqual(rows(whole));
    expect(report.imported).toEqual(Object.fromEntries(check.batches().map(({ kind, columns }) => [kind, columns.sourcedId.length])));
    expect(report.imported.enrollments).toBe(school.enrollments.length);
    streamed.close();
    whole.close();
  });

  it("stores nothing when the store fails mid-load (one transaction)", () => {
    const store = new EducationStore(":memory:");
    const check = OneRosterCsvCheck.open(files);
    let handed = 0;
    const failing = (function* () {
      for (const batch of check.drain(1000)) {
        if (++handed === 3) throw new Error("disk full");
        yield batch;
      }
    })();
    expect(() => store.putRecordColumns(failing)).toThrow("disk full");
    expect(store.count("orgs") + store.count("users") + store.count("enrollments")).toBe(0);
    store.close();
  });
});
