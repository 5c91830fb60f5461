import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { createHash } from "node:crypto";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import type { ResultView } from "../schemas/views.js";
import {
  GRADEBOOK_EXPORT_NAMESPACE,
  GRADEBOOK_EXPORT_TTL_MS,
  RESULTS_CSV_HEADER,
  gradebookExportIdFor,
  gradebookExportStore,
  gradebookExportUri,
  resultsCsvLine,
  type GradebookExport,
} from "../standards/gradebook-export.js";
import { integer } from "../schemas/lean.js";
import { auditAccess, callerOf } from "./shared.js";

const IdInput = z.string().min(1).max(256);

/** `edu_export_results`: a class's gradebook as a OneRoster 1.2 results.csv, readable as a resource. */
export const exportResultsTool = defineTool({
  name: "edu_export_results",
  toolset: "grading",
  title: "Export results (OneRoster results.csv)",
  description:
    "Exports a class's results as a OneRoster 1.2 results.csv resource (edu-export://…, yours for 1 hour), under edu_list_results' privacy rules. A task for clients with tasks. Audited.",
  input: z.object({
    classSourcedId: IdInput.describe("Class sourcedId."),
    lineItemSourcedIds: z.array(IdInput).min(1).max(500).optional().describe("Only these line items (default: all)."),
  }),
  output: z.object({
    uri: z.string().describe("Resource URI of the file (resources/read)."),
    classSourcedId: z.string().describe("The class."),
    lineItems: integer("Line items exported."),
    rows: integer("Result rows."),
    expiresAt: z.string().describe("Readable until (ISO 8601)."),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  task: "optional",
  taskResume: "restart",
  examples: [{ classSourcedId: "cls-alg1-a" }],
  render: (out) => `Exported ${out.rows} results of ${out.lineItems} line item(s) of ${out.classSourcedId}: ${out.uri}`,
  handler: async (input, context: EducationContext) => {
    const actor = await callerOf(context, "gradebook");
    const { gateway } = context.services;
    await gateway.classRole(actor, input.classSourcedId);
    const all = await gateway.roster.listLineItems({ classSourcedId: input.classSourcedId });
    const lineItems = input.lineItemSourcedIds
      ? input.lineItemSourcedIds.map((id, index) => {
          const found = all.find((lineItem) => lineItem.sourcedId === id);
          if (!found) throw new ExtensionError("NOT_FOUND", "no line item with that id in this class", { field: `lineItemSourcedIds.${index}` });
          return found;
        })
      : all;
    const startedAt = new Date(gateway.now()).toISOString();
    const lines = [RESULTS_CSV_HEADER.join(",")];
    const subjects = new Set<string>();
    let done = 0;
    await context.progress(0, lineItems.length, "line items");
    for (const lineItem of lineItems) {
      context.signal.throwIfAborted();
      // The gateway applies the synchronous read's rules: pseudonyms, fenced comments, students see only their own.
      const { items, subjects: seen } = await gateway.listResults(actor, { lineItemSourcedId: lineItem.sourcedId });
      for (const subject of seen) subjects.add(subject);
      for (const result of items) lines.push(resultsCsvLine(result, resultIdOf(result), modifiedOf(result, startedAt)));
      await context.progress(++done, lineItems.length, "line items");
    }
    // Publish only while this run still owns its task: a cancelled or superseded run leaves no file.
    await context.task?.checkpoint();
    context.signal.throwIfAborted();
    const exportId = gradebookExportIdFor(context.task?.id);
    const expiresAt = gateway.now() + GRADEBOOK_EXPORT_TTL_MS;
    const record: GradebookExport = { exportId, owner: context.principal?.id ?? "", classSourcedId: input.classSourcedId, rows: lines.length - 1, csv: lines.join("\r\n") + "\r\n" };
    await gradebookExportStore(context.state).put(GRADEBOOK_EXPORT_NAMESPACE, exportId, record, { expiresAt });
    await auditAccess(context, "edu_export_results", actor, [...subjects], "results-export");
    return { uri: gradebookExportUri(exportId), classSourcedId: input.classSourcedId, lineItems: lineItems.length, rows: record.rows, expiresAt: new Date(expiresAt).toISOString() };
  },
});

/** A keyed result id: derived from the line item and the (already keyed) pseudonym, never from the SIS's own ids. */
function resultIdOf(result: ResultView): string {
  return `res-${createHash("sha256").update(`${result.lineItemSourcedId}\u0000${result.learner}`).digest("hex").slice(0, 24)}`;
}

/** dateLastModified: the scoring time when it is a full date-time, else the export's time. */
function modifiedOf(result: ResultView, fallback: string): string {
  return /^\d{4}-\d{2}-\d{2}T/.test(result.scoreDate) && !Number.isNaN(Date.parse(result.scoreDate)) ? result.scoreDate : fallback;
}
