import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import { integer } from "../schemas/lean.js";
import { auditAccess, callerOf } from "./shared.js";

// Withheld statistics are omitted (not null), so the schema stays portable.
const Cell = z.object({
  lineItemSourcedId: z.string().describe("Line item sourcedId."),
  title: z.string().describe("Title."),
  n: integer("Learners with a score (0 when suppressed)."),
  suppressed: z.boolean().describe("Below the minimum cohort: statistics omitted."),
  mean: z.number().optional().describe("Mean score."),
  median: z.number().optional().describe("Median score."),
  min: z.number().optional().describe("Lowest score."),
  max: z.number().optional().describe("Highest score."),
  missing: integer("Learners missing it.").optional(),
  late: integer("Learners late.").optional(),
});

/** `edu_gradebook_summary`: per-line-item aggregates with small-cell suppression. */
export const gradebookSummaryTool = defineTool({
  name: "edu_gradebook_summary",
  toolset: "overview",
  title: "Gradebook summary",
  description: "Per line item of a class: count, mean, median, min, max, missing, late; cells under the minimum cohort are suppressed. Staff only.",
  input: z.object({ classSourcedId: z.string().min(1).max(256).describe("Class sourcedId.") }),
  output: z.object({ classSourcedId: z.string().describe("Class sourcedId."), minCohort: integer("Minimum cohort."), enrolled: integer("Students enrolled."), cells: z.array(Cell).describe("One per line item.") }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ classSourcedId: "cls-alg1-a" }],
  render: ({ cells, minCohort }) => cells.map((c) => (c.suppressed ? `${c.title}: suppressed (n < ${minCohort})` : `${c.title}: n=${c.n} mean=${c.mean?.toFixed(2)} median=${c.median} missing=${c.missing ?? "-"}`)).join("\n") || "No line items.",
  handler: async ({ classSourcedId }, context: EducationContext) => {
    const actor = await callerOf(context, "gradebook");
    const { gateway } = context.services;
    const { role } = await gateway.classRole(actor, classSourcedId);
    if (!gateway.isStaff(role)) throw new ExtensionError("FORBIDDEN", "only staff of this class may see its gradebook summary");
    const minCohort = context.settings.privacy.minCohort;
    const students = (await gateway.roster.listEnrollments({ classSourcedId })).filter((e) => e.role === "student" && e.status === "active").map((e) => e.user.sourcedId);
    const results = await gateway.roster.listResults({ classSourcedId });
    const lineItems = (await gateway.roster.listLineItems({ classSourcedId })).filter((li) => li.status === "active");
    const cells = lineItems.map((lineItem) => {
      const mine = results.filter((r) => r.lineItem.sourcedId === lineItem.sourcedId && r.status === "active");
      const scores = mine.filter((r) => r.score !== undefined && r.scoreStatus === "fully graded").map((r) => r.score!).sort((a, b) => a - b);
      const byStudent = new Map(mine.map((r) => [r.student.sourcedId, r]));
      const statuses = students.map((s) => gateway.statusOf(lineItem, byStudent.get(s)));
      const suppressed = scores.length < minCohort || students.length < minCohort;
      const mid = Math.floor(scores.length / 2);
      return {
        lineItemSourcedId: lineItem.sourcedId,
        title: lineItem.title,
        n: suppressed ? 0 : scores.length,
        suppressed,
        ...(suppressed
          ? {}
          : { mean: scores.reduce((sum, v) => sum + v, 0) / scores.length, median: scores.length % 2 ? scores[mid]! : (scores[mid - 1]! + scores[mid]!) / 2, min: scores[0]!, max: scores[scores.length - 1]! }),
        ...(students.length < minCohort ? {} : { missing: statuses.filter((s) => s === "missing").length, late: statuses.filter((s) => s === "late").length }),
      };
    });
    await auditAccess(context, "edu_gradebook_summary", actor, students, "aggregate");
    return { classSourcedId, minCohort, enrolled: students.length, cells };
  },
});
