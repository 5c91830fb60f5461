import type { EducationRecords, OneRosterKind } from "../backend/store.js";
import { OneRosterCsvCheck, type CsvFileCount, type CsvProblem, type OneRosterCsvFiles } from "./oneroster-csv-check.js";

export { MAX_CSV_PROBLEMS, OneRosterCsvCheck, type CsvFileCount, type CsvProblem, type OneRosterCsvFiles } from "./oneroster-csv-check.js";
export { readCsvTable, type CsvTable } from "./oneroster-csv-reader.js";

/** What an import did. */
export interface CsvImportReport {
  version: string;
  imported: Partial<Record<OneRosterKind, number>>;
  problems: CsvProblem[];
  /** Per file: data rows, valid rows and refused rows. */
  files: CsvFileCount[];
}

/** Rows checked between two looks at the clock, the signal and progress. */
const SLICE_ROWS = 4096;

/**
 * Imports a OneRoster 1.1 or 1.2 CSV bulk export given as files (name → text), e.g. read
 * from a folder or received by a tool. Reads `manifest.csv`, then every file it marks `bulk`
 * or `delta`; checks each header against the version's columns (a malformed header fails the
 * import naming the file and column); converts and validates each row in one pass from the
 * column table; writes the valid rows in one transaction (multi-row prepared statements).
 * Invalid rows are reported by file, line and column (never by value) and skipped.
 *
 * @example
 * ```ts
 * const report = importOneRosterCsvFiles(new Map([["manifest.csv", manifest], ["users.csv", users]]), store);
 * ```
 * @throws ExtensionError `CSV_INVALID` naming the file (and column) for a missing manifest or
 * listed file, an unsupported version, malformed CSV or a malformed header.
 * @category OneRoster
 */
export function importOneRosterCsvFiles(files: OneRosterCsvFiles, store: EducationRecords): CsvImportReport {
  const check = OneRosterCsvCheck.open(files);
  // Checked and stored slice by slice inside the store's one transaction: the records are never all held at once.
  store.putRecordColumns(check.drain());
  return csvReportOf(check);
}

/** Options of {@link checkOneRosterCsvFiles}. */
export interface CsvCheckOptions {
  /** Aborts the check between slices of rows. */
  signal?: AbortSignal;
  /** Called after each slice with rows checked so far and the total; awaited (it may yield to the event loop). */
  progress?: (done: number, total: number) => Promise<void> | void;
}

/**
 * Checks a bulk export without storing anything, in slices of rows, awaiting `progress`
 * between slices and stopping when `signal` aborts. Returns the finished check: its report
 * (what an import would store) and its batches for a store's bulk load.
 *
 * @example
 * ```ts
 * const check = await checkOneRosterCsvFiles(files, { signal, progress: (done, total) => context.progress(done, total, "rows checked") });
 * if (check.problemTotal === 0) store.putRecordColumns(check.batches());
 * ```
 * @throws ExtensionError `CSV_INVALID` as {@link importOneRosterCsvFiles}; the signal's reason when aborted.
 * @category OneRoster
 */
export async function checkOneRosterCsvFiles(files: OneRosterCsvFiles, options: CsvCheckOptions = {}): Promise<OneRosterCsvCheck> {
  const check = OneRosterCsvCheck.open(files);
  options.signal?.throwIfAborted();
  await options.progress?.(0, check.totalRows);
  while (!check.finished) {
    const done = check.step(SLICE_ROWS);
    options.signal?.throwIfAborted();
    await options.progress?.(done, check.totalRows);
  }
  return check;
}

/**
 * The report of a finished check: records per kind (stored, or that a load would store), per-file counts and problems.
 *
 * @example
 * ```ts
 * const report = csvReportOf(await checkOneRosterCsvFiles(files));
 * ```
 * @category OneRoster
 */
export function csvReportOf(check: OneRosterCsvCheck): CsvImportReport {
  const imported: Partial<Record<OneRosterKind, number>> = {};
  for (const count of check.counts()) if (count.kind !== "roles") imported[count.kind] = count.valid;
  return { version: check.version, imported, problems: check.problems, files: check.counts() };
}
