import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import { auditAccess, callerOf } from "./shared.js";

const Cell = z.object({
  lineItemSourcedId: z.string(),
  title: z.string(),
  /** Learners with a score. */
  n: z.number().int(),
  /** True when n is below the minimum cohort: statistics are withheld. */
  suppressed: z.boolean(),
  mean: z.number().nullable(),
  median: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  missing: z.number().int().nullable(),
  late: z.number().int().nullable(),
});

/** `edu_gradebook_summary`: per-line-item aggregates with small-cell suppression. */
export const gradebookSummaryTool = defineTool({
  name: "edu_gradebook_summary",
  title: "Gradebook summary",
  description:
    "Aggregates a class's gradebook per line item: count, mean, median, min, max, missing and late. Any cell computed from fewer learners than the minimum cohort is suppressed (statistics null) so nobody can be singled out. Staff only.",
  input: z.object({ classSourcedId: z.string().min(1).max(256) }),
  output: z.object({ classSourcedId: z.string(), minCohort: z.number().int(), enrolled: z.number().int(), cells: z.array(Cell) }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ classSourcedId: "cls-alg1-a" }],
  render: ({ cells, minCohort }) => cells.map((c) => (c.suppressed ? `${c.title}: suppressed (n < ${minCohort})` : `${c.title}: n=${c.n} mean=${c.mean?.toFixed(2)} median=${c.median} missing=${c.missing}`)).join("\n"),
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
        mean: suppressed ? null : scores.reduce((sum, v) => sum + v, 0) / scores.length,
        median: suppressed ? null : scores.length % 2 ? scores[mid]! : (scores[mid - 1]! + scores[mid]!) / 2,
        min: suppressed ? null : scores[0]!,
        max: suppressed ? null : scores[scores.length - 1]!,
        missing: students.length < minCohort ? null : statuses.filter((s) => s === "missing").length,
        late: students.length < minCohort ? null : statuses.filter((s) => s === "late").length,
      };
    });
    await auditAccess(context, "edu_gradebook_summary", actor, students, "aggregate");
    return { classSourcedId, minCohort, enrolled: students.length, cells };
  },
});
