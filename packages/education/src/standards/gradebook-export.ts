/**
 * Gradebook exports: a class's results as a OneRoster 1.2 `results.csv`, kept in the shared
 * StateStore (so any replica serves it) until it expires, readable only by its owner.
 */
import { memoryStateStore, type StateStore } from "@mcp-verticals/core";
import { createHash } from "node:crypto";
import type { ResultView } from "../schemas/views.js";

/** The StateStore namespace of gradebook exports. */
export const GRADEBOOK_EXPORT_NAMESPACE = "edu-gradebook-export";

/** How long an export stays readable (ms): one hour. */
export const GRADEBOOK_EXPORT_TTL_MS = 3_600_000;

/**
 * The columns of OneRoster 1.2 `results.csv`, in the order of the 1.2 CSV binding.
 * @category OneRoster
 */
export const RESULTS_CSV_HEADER: readonly string[] = Object.freeze([
  "sourcedId",
  "status",
  "dateLastModified",
  "lineItemSourcedId",
  "studentSourcedId",
  "classSourcedId",
  "scoreScaleSourcedId",
  "scoreStatus",
  "score",
  "textScore",
  "scoreDate",
  "comment",
  "late",
  "missing",
]);

/** A finished export as stored. */
export interface GradebookExport {
  exportId: string;
  /** Principal id of the caller who exported it. */
  owner: string;
  classSourcedId: string;
  rows: number;
  csv: string;
}

let fallback: StateStore | undefined;

/** The store exports use: the attached one, else this process's memory. */
export function gradebookExportStore(state: StateStore | undefined): StateStore {
  return state ?? (fallback ??= memoryStateStore());
}

/** A stable export id for a task (a resumed run rewrites the same export), random otherwise. */
export function gradebookExportIdFor(taskId: string | undefined): string {
  const seed = taskId ?? `${Date.now()}-${Math.random()}-${process.pid}`;
  return createHash("sha256").update(`edu-gradebook-export:${seed}`).digest("hex").slice(0, 32);
}

/** The resource URI of an export. */
export function gradebookExportUri(exportId: string): string {
  return `edu-export://${exportId}/results.csv`;
}

const cell = (value: string) => (/[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value);

/**
 * One `results.csv` line from a result as the privacy gateway presents it: the learner is a
 * pseudonym, the result's own id a keyed id (`resultId`), the comment as the synchronous read shows it.
 */
export function resultsCsvLine(result: ResultView, resultId: string, modified: string): string {
  return [
    resultId,
    "active",
    modified,
    result.lineItemSourcedId,
    result.learner,
    result.classSourcedId,
    "",
    result.scoreStatus,
    result.score === undefined ? "" : String(result.score),
    "",
    result.scoreDate,
    result.comment ?? "",
    result.late ? "true" : "false",
    result.missing ? "true" : "false",
  ]
    .map(cell)
    .join(",");
}

/** Reads an export, or `undefined` for a malformed id or one that expired. */
export async function readGradebookExport(state: StateStore, exportId: string): Promise<GradebookExport | undefined> {
  if (!/^[a-f0-9]{32}$/.test(exportId)) return undefined;
  return (await state.get<GradebookExport>(GRADEBOOK_EXPORT_NAMESPACE, exportId))?.value;
}
