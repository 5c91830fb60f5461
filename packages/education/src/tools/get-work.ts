import { defineTool, ExtensionError, fenceUntrustedText } from "@mcp-verticals/core";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import { WorkItem } from "../schemas/views.js";
import { auditAccess, callerOf } from "./shared.js";

/** `edu_get_work`: one assignment or quiz with its description and rubric. */
export const getWorkTool = defineTool({
  name: "edu_get_work",
  toolset: "details",
  title: "Get one piece of work",
  description: "One assignment or quiz: status, due date, points, rubric, QTI item ids (hidden from students when proctored) and its description (fenced untrusted text).",
  input: z.object({ lineItemSourcedId: z.string().min(1).max(256).describe("Line item sourcedId, e.g. li-alg1-a-2.") }),
  output: z.object({
    work: WorkItem.describe("The work item."),
    description: z.string().describe("Description, fenced."),
    rubric: z.array(z.object({ criterion: z.string().describe("Criterion."), points: z.number().describe("Points.") })).describe("Rubric."),
    qtiItemIds: z.array(z.string()).describe("QTI item ids."),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ lineItemSourcedId: "li-alg1-a-2" }],
  render: ({ work: w, rubric, qtiItemIds }) =>
    `${w.title} (${w.lineItemSourcedId}, ${w.kind}) in ${w.classSourcedId}: due ${w.dueDate}, ${w.pointsPossible} points, ${w.status}${w.published ? "" : ", draft"}. Rubric: ${rubric.map((r) => `${r.criterion} ${r.points}`).join("; ") || "none"}. ${qtiItemIds.length} QTI item(s).`,
  handler: async ({ lineItemSourcedId }, context: EducationContext) => {
    const actor = await callerOf(context, "coursework");
    const { gateway } = context.services;
    const { lineItem, role } = await gateway.lineItem(actor, lineItemSourcedId);
    const { items, subjects } = await gateway.listWork(actor, [lineItem.class.sourcedId]);
    const work = items.find((item) => item.lineItemSourcedId === lineItemSourcedId);
    if (!work) throw new ExtensionError("WORK_NOT_FOUND", "no work with that sourcedId is visible to you", { field: "lineItemSourcedId" });
    await auditAccess(context, "edu_get_work", actor, subjects, "own-work");
    const extras = gateway.extras(lineItem);
    const hideItems = !gateway.isStaff(role) && context.settings.integrity.assessmentMode !== "practice";
    return {
      work,
      description: fenceUntrustedText(lineItem.description ?? "", `description of ${lineItemSourcedId}`),
      rubric: extras.rubric,
      qtiItemIds: hideItems ? [] : extras.qtiItemIds,
    };
  },
});
