import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { createHash } from "node:crypto";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import { checkOneRosterCsvFiles, csvReportOf } from "../standards/oneroster-csv-import.js";
import { bulkFilesFrom, readBulkFolder, readBulkZip } from "../standards/oneroster-csv-sources.js";
import { approvedWrite, callerOf, requireWrite } from "./shared.js";

/** Largest zip accepted as base64 text, in characters (about 48 MB of zip). */
export const MAX_ROSTER_ZIP_BASE64 = 64 * 1024 * 1024;

const FileCount = z.object({
  file: z.string().describe("Bulk file name, e.g. users.csv."),
  kind: z.string().describe("OneRoster collection the file fills (roles: folded into users)."),
  rows: z.number().int().describe("Data rows in the file."),
  valid: z.number().int().describe("Rows that pass every check."),
  invalid: z.number().int().describe("Rows refused, each listed in problems."),
});

const Problem = z.object({
  at: z.string().describe("Where: file:line:column (column is the header name, or * for a wrong cell count)."),
  file: z.string().describe("Bulk file name."),
  line: z.number().int().describe("1-based line the row starts on."),
  column: z.string().describe("Column header name, or * for the whole row."),
  message: z.string().describe("What is wrong; never the cell's value."),
});

/** `edu_import_roster`: a OneRoster 1.1 / 1.2 CSV bulk export into the embedded store; dry run first, then apply once a human approved. */
export const importRosterTool = defineTool({
  name: "edu_import_roster",
  title: "Import a OneRoster CSV roster",
  description:
    "Imports a OneRoster 1.1 or 1.2 CSV bulk export (manifest.csv and the files it lists: orgs, academicSessions, courses, classes, users, roles, enrollments, categories, lineItems, results) into this server's store. Give exactly one of zipBase64 (the export's zip, base64), files (name and text of each CSV) or folder (the name of a folder in the import directory the operator configured). dryRun (default true) checks everything and changes nothing: rows, valid and invalid rows per file, and each problem by file:line:column (never the value). dryRun false applies the export in one transaction, only when no row is invalid, after a human approved it (the client's form, the approval page or the operator command; otherwise APPROVAL_PENDING): records with the same sourcedId are replaced, nothing else is removed. Long-running for a district's export: runs as a task for clients that support tasks, reporting rows checked/total; cancelling writes nothing. Teachers and admins; off unless the server allows import_roster.",
  input: z
    .object({
      zipBase64: z.string().max(MAX_ROSTER_ZIP_BASE64).optional().describe("The bulk export's zip file, base64-encoded; its CSV files at the root or in one top folder."),
      files: z
        .array(
          z.object({
            name: z.string().max(64).describe("Bulk file name, e.g. manifest.csv or users.csv."),
            content: z.string().max(MAX_ROSTER_ZIP_BASE64).describe("The file's CSV text (UTF-8)."),
          }),
        )
        .min(1)
        .max(11)
        .optional()
        .describe("The bulk files one by one; manifest.csv is required."),
      folder: z.string().max(128).optional().describe("A folder name inside the server's import directory (--import-dir); never a path."),
      dryRun: z.boolean().default(true).describe("true: check only, change nothing; false: apply after human approval."),
    })
    .refine((input) => [input.zipBase64, input.files, input.folder].filter((value) => value !== undefined).length === 1, { message: "give exactly one of zipBase64, files or folder", path: ["zipBase64"] }),
  output: z.object({
    status: z.enum(["checked", "written"]).describe("checked: a dry run, nothing changed; written: a human approved it and every valid record was stored."),
    version: z.string().describe("OneRoster version the manifest declares (1.1 or 1.2)."),
    files: z.array(FileCount).describe("Per listed file: rows, valid and invalid."),
    records: z.record(z.string(), z.number().int()).describe("Records per collection that were stored (written) or would be (checked)."),
    problems: z.array(Problem).describe("The first problems found (up to 1000)."),
    problemTotal: z.number().int().describe("All problems found; the import applies only when it is 0."),
    preview: z.string().optional().describe("What the human approved, as the server rendered it."),
    approvalId: z.string().optional().describe("The approval the import spent (server state; passing it back approves nothing)."),
    approvedThrough: z.enum(["elicitation", "input_required", "approval-page", "operator-command"]).optional().describe("The human channel the decision came through."),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  // A district's export takes a while: a task for clients that support tasks. The load is one transaction, so a restart applies it once.
  task: "optional",
  taskResume: "restart",
  maxOutputBytes: 512 * 1024,
  examples: [
    {
      files: [
        { name: "manifest.csv", content: "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.orgs,bulk\n" },
        { name: "orgs.csv", content: "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\norg-example,active,2026-09-01T00:00:00Z,Example School,school,EX-1,\n" },
      ],
      dryRun: true,
    },
  ],
  render: (out) =>
    `${out.status === "checked" ? "Checked" : "Imported"} OneRoster ${out.version}: ${out.files.map((file) => `${file.file} ${file.valid}/${file.rows}`).join(", ")}; ${out.problemTotal} problem(s)` +
    (out.problems.length > 0 ? `\n${out.problems.slice(0, 20).map((problem) => `${problem.at} ${problem.message}`).join("\n")}` : ""),
  handler: async (input, context: EducationContext) => {
    const actor = await callerOf(context, "roster");
    requireWrite(context, "import_roster", actor);
    const { gateway } = context.services;
    // Reads come from the roster backend: importing into the local store only makes sense when it is the backend.
    if ((gateway.roster as unknown) !== gateway.store) throw new ExtensionError("IMPORT_NOT_SUPPORTED", "this server reads rosters from a remote OneRoster provider; import there");
    const files = input.zipBase64 !== undefined ? readBulkZip(input.zipBase64) : input.files !== undefined ? bulkFilesFrom(input.files) : await readBulkFolder(context.services.importDir, input.folder!);
    const check = await checkOneRosterCsvFiles(files, { signal: context.signal, progress: (done, total) => context.progress(done, total, "rows checked") });
    const report = csvReportOf(check);
    const problems = report.problems.map((problem) => ({ at: `${problem.file}:${problem.line}:${problem.column}`, ...problem }));
    const summary = { version: report.version, files: report.files, records: report.imported as Record<string, number>, problems, problemTotal: check.problemTotal };
    if (input.dryRun) return { status: "checked" as const, ...summary };
    if (check.problemTotal > 0) {
      throw new ExtensionError("CSV_ROWS_INVALID", `${check.problemTotal} row(s) are invalid, first at ${problems[0]!.at}; run with dryRun true to list them; nothing was written`, { field: problems[0]!.at });
    }
    // A run cancelled (or superseded) while it was checking stops here, before it spends the human's approval.
    await context.task?.checkpoint();
    // The approval binds to the content, not to the folder name or the encoding it arrived in.
    const digest = createHash("sha256");
    for (const [name, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) digest.update(`${name}\u0000${text.length}\u0000`).update(text);
    const total = Object.values(summary.records).reduce((sum, n) => sum + n, 0);
    const outcome = await approvedWrite(context, {
      binding: "edu_import_roster",
      actor,
      args: { content: digest.digest("hex") },
      preview: {
        title: "Import this OneRoster roster?",
        facts: [
          `OneRoster ${report.version} bulk export: ${total} records`,
          ...report.files.map((file) => `${file.file}: ${file.valid} rows`),
          "Records with the same sourcedId are replaced; nothing else is removed.",
        ],
        modelSupplied: [],
      },
      write: async () => {
        // Apply only while this run still owns its task: a cancelled or superseded run writes nothing.
        await context.task?.checkpoint();
        context.signal.throwIfAborted();
        gateway.store.putRecordColumns(check.batches());
        return check.batches();
      },
      verify: async (batches) => batches.every(({ kind, columns }) => columns.sourcedId.length === 0 || gateway.store.getRecord(kind, columns.sourcedId[columns.sourcedId.length - 1]!) !== undefined),
    });
    return { status: "written" as const, ...summary, preview: outcome.preview, approvalId: outcome.approvalId, approvedThrough: outcome.approvedThrough };
  },
});
