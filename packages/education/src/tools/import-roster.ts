import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { createHash } from "node:crypto";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import { checkOneRosterCsvFiles, csvReportOf } from "../standards/oneroster-csv-import.js";
import { bulkFilesFrom, readBulkFolder, readBulkZip } from "../standards/oneroster-csv-sources.js";
import { integer } from "../schemas/lean.js";
import { approvedWrite, callerOf, requireWrite, WriteOutcome } from "./shared.js";

/** Largest zip accepted as base64 text, in characters (about 48 MB of zip). */
export const MAX_ROSTER_ZIP_BASE64 = 64 * 1024 * 1024;

const FileCount = z.object({
  file: z.string().describe("File, e.g. users.csv."),
  kind: z.string().describe("Collection it fills."),
  rows: integer("Data rows."),
  valid: integer("Valid rows."),
  invalid: integer("Refused rows."),
});

const Problem = z.object({
  at: z.string().describe("file:line:column."),
  file: z.string().describe("File."),
  line: integer("Line the row starts on."),
  column: z.string().describe("Header name, or * for the row."),
  message: z.string().describe("What is wrong (never the value)."),
});

/** `edu_import_roster`: a OneRoster 1.1 / 1.2 CSV bulk export into the embedded store; dry run first, then apply once a human approved. */
export const importRosterTool = defineTool({
  name: "edu_import_roster",
  toolset: "import",
  title: "Import a OneRoster CSV roster",
  description:
    "Imports a OneRoster 1.1/1.2 CSV bulk export (one of zipBase64, files or folder). dryRun (default) checks and reports problems by file:line:column; dryRun false applies it in one transaction when no row is invalid, after a human approves (else APPROVAL_PENDING). A task for clients with tasks. Teachers and admins.",
  input: z
    .object({
      zipBase64: z.string().max(MAX_ROSTER_ZIP_BASE64).optional().describe("The export's zip, base64."),
      files: z
        .array(
          z.object({
            name: z.string().max(64).describe("File name, e.g. users.csv."),
            content: z.string().max(MAX_ROSTER_ZIP_BASE64).describe("CSV text."),
          }),
        )
        .min(1)
        .max(11)
        .optional()
        .describe("The CSV files, manifest.csv included."),
      folder: z.string().max(128).optional().describe("Folder name in the server's import directory."),
      dryRun: z.boolean().default(true).describe("true: check only; false: apply after approval."),
    })
    .refine((input) => [input.zipBase64, input.files, input.folder].filter((value) => value !== undefined).length === 1, { message: "give exactly one of zipBase64, files or folder", path: ["zipBase64"] }),
  output: z.object({
    status: z.enum(["checked", "written"]).describe("checked (dry run) or written."),
    version: z.string().describe("OneRoster version (1.1 or 1.2)."),
    files: z.array(FileCount).describe("Per file counts."),
    records: z.record(z.string(), integer("Records.")).describe("Records per collection stored (or that would be)."),
    problems: z.array(Problem).describe("First problems (up to 1000)."),
    problemTotal: integer("All problems; applies only at 0."),
    preview: WriteOutcome.preview.optional(),
    approvalId: WriteOutcome.approvalId,
    approvedThrough: WriteOutcome.approvedThrough,
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
