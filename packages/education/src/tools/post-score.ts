import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import type { OrResult } from "../schemas/oneroster.js";
import { Pseudonym, ResultView } from "../schemas/views.js";
import { approvedWrite, auditAccess, callerOf, IdempotencyKeyInput, requireWrite, WriteOutcome } from "./shared.js";

/** `edu_post_score`: write one learner's score (LTI AGS Score shape) once a human approved it. */
export const postScoreTool = defineTool({
  name: "edu_post_score",
  toolset: "grading",
  title: "Post a score",
  description:
    "Writes one learner's score (LTI AGS Score shape) after a human approves it: in the client's form, else APPROVAL_PENDING says where the teacher decides; then call again with the same arguments. Teachers only.",
  input: z.object({
    lineItemSourcedId: z.string().min(1).max(256).describe("Line item sourcedId."),
    studentSourcedId: Pseudonym.describe("Learner pseudonym from edu_list_roster."),
    scoreGiven: z.number().min(0).describe("Score given."),
    scoreMaximum: z.number().positive().describe("Maximum of scoreGiven."),
    comment: z.string().max(2000).optional().describe("Comment for the learner."),
    activityProgress: z.enum(["Initialized", "Started", "InProgress", "Submitted", "Completed"]).default("Completed").describe("LTI AGS activityProgress."),
    gradingProgress: z.enum(["FullyGraded", "Pending", "PendingManual", "Failed", "NotReady"]).default("FullyGraded").describe("LTI AGS gradingProgress."),
    idempotencyKey: IdempotencyKeyInput,
  }),
  output: z.object({ ...WriteOutcome, result: ResultView.optional().describe("The stored result.") }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  examples: [{ lineItemSourcedId: "li-alg1-a-4", studentSourcedId: "p-000000000000000000000000", scoreGiven: 8, scoreMaximum: 10 }],
  render: (out) => (out.result ? `Score posted: ${out.result.learner} ${out.result.score ?? "-"}/${out.result.scoreMaximum} on ${out.result.lineItemSourcedId} (approved through ${out.approvedThrough}).` : out.preview),
  handler: async (input, context: EducationContext) => {
    const actor = await callerOf(context, "gradebook");
    requireWrite(context, "post_score", actor);
    const { gateway } = context.services;
    const { lineItem, role } = await gateway.lineItem(actor, input.lineItemSourcedId);
    if (role !== "teacher" && role !== "administrator") throw new ExtensionError("FORBIDDEN", "only a teacher of this class may post scores");
    if (input.scoreGiven > input.scoreMaximum) throw new ExtensionError("SCORE_OUT_OF_RANGE", "scoreGiven exceeds scoreMaximum", { field: "scoreGiven" });
    let studentId: string;
    try {
      studentId = await gateway.learnerInClass(lineItem.class.sourcedId, input.studentSourcedId);
    } catch (error) {
      // The example uses a placeholder pseudonym: previewing it explains the contract without touching data.
      if (input.studentSourcedId === "p-000000000000000000000000") {
        return { status: "preview" as const, preview: "Example only: use a learner pseudonym from edu_list_roster to preview a real score." };
      }
      throw error;
    }
    // Scale to the line item's range so the gradebook stays consistent.
    const score = Math.round((input.scoreGiven / input.scoreMaximum) * lineItem.resultValueMax * 100) / 100;
    const scoreStatus: OrResult["scoreStatus"] = input.gradingProgress === "FullyGraded" ? "fully graded" : input.activityProgress === "Submitted" || input.activityProgress === "Completed" ? "submitted" : "not submitted";
    // The human approves the score, not the retry key.
    const { idempotencyKey, ...args } = input;
    const existing = (await gateway.roster.listResults({ lineItemSourcedId: lineItem.sourcedId, studentSourcedId: studentId })).find((r) => r.status === "active");
    // Learner, line item and scaled score come from the gradebook; only the comment is the model's text.
    const preview = {
      title: "Post this score?",
      facts: [
        `Learner ${gateway.label(input.studentSourcedId, "student")} in ${lineItem.class.sourcedId}`,
        `Line item "${lineItem.title}" (${lineItem.sourcedId})`,
        `Score ${score}/${lineItem.resultValueMax} (${scoreStatus})${existing?.score !== undefined ? `, replacing ${existing.score}` : ""}`,
      ],
      modelSupplied: input.comment ? [{ label: "comment", text: input.comment }] : [],
    };
    const outcome = await approvedWrite(context, {
      binding: "edu_post_score",
      actor,
      args,
      preview,
      idempotencyKey,
      // A retry after a replica died mid-write: the gradebook already holding exactly this score means it was written.
      alreadyWritten: async () =>
        (await gateway.roster.listResults({ lineItemSourcedId: lineItem.sourcedId, studentSourcedId: studentId })).find(
          (r) => r.status === "active" && r.score === score && r.scoreStatus === scoreStatus && r.comment === (input.comment ?? existing?.comment),
        ),
      write: async () => {
        const result: OrResult = {
          sourcedId: existing?.sourcedId ?? `res-${lineItem.sourcedId.slice(3)}-${gateway.pseudonym(studentId).slice(2, 14)}`,
          status: "active",
          dateLastModified: new Date(gateway.now()).toISOString(),
          lineItem: { sourcedId: lineItem.sourcedId, type: "lineItem" },
          student: { sourcedId: studentId, type: "user" },
          class: { sourcedId: lineItem.class.sourcedId, type: "class" },
          scoreStatus,
          score,
          scoreDate: new Date(gateway.now()).toISOString(),
          late: existing?.late ?? (Date.parse(lineItem.dueDate) < gateway.now() ? "true" : "false"),
          missing: "false",
          ...(input.comment ? { comment: input.comment } : existing?.comment ? { comment: existing.comment } : {}),
        };
        await gateway.roster.putResult(result);
        return result;
      },
      verify: async (written) => {
        const reread = await gateway.roster.getResult(written.sourcedId);
        return reread !== undefined && reread.score === written.score && reread.scoreStatus === written.scoreStatus && reread.student.sourcedId === studentId;
      },
    });
    await auditAccess(context, "edu_post_score", actor, [studentId], "score-write");
    const { written, ...rest } = outcome;
    return { ...rest, ...(written ? { result: gateway.resultView(lineItem, written) } : {}) };
  },
});
