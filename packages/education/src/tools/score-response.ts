import { defineTool } from "@mcp-verticals/core";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import { integer } from "../schemas/lean.js";
import { QtiResponse } from "../schemas/qti.js";
import { parseQtiItem, scoreQtiResponse } from "../standards/qti.js";
import { requireItemAccess, visibleItem } from "./items-shared.js";
import { claimPractice } from "./practice-guard.js";
import { callerOf } from "./shared.js";

// Unknown values are omitted (not null), so the schema stays portable.
const AttemptResult = z.object({ attempt: integer("Attempt number."), score: z.number().optional().describe("Score."), correct: z.boolean().optional().describe("Correct.") });

/** `edu_score_response`: practice scoring; for students, capped attempts and no items from open graded work. */
export const scoreResponseTool = defineTool({
  name: "edu_score_response",
  toolset: "assessment",
  title: "Score a practice response",
  description:
    "Practice scoring of a response to one QTI item (nothing is recorded). Students: practice mode only, not for items in open graded work (ITEM_IN_GRADED_WORK), limited attempts per item (PRACTICE_ATTEMPTS_EXHAUSTED); scores may be withheld until the last attempt.",
  input: z.object({ itemId: z.string().min(1).max(256).describe("QTI item id."), response: QtiResponse }),
  output: z.object({
    itemId: z.string().describe("Item id."),
    score: z.number().optional().describe("Score (omitted while withheld)."),
    maxScore: z.number().describe("Maximum score."),
    correct: z.boolean().optional().describe("Correct (omitted while withheld or when not defined)."),
    needsHumanScoring: z.boolean().describe("Needs a human to score."),
    feedback: z.array(z.string()).describe("Matching feedback ids."),
    recorded: z.literal(false).describe("Never recorded in the gradebook."),
    attempt: integer("This attempt (students).").optional(),
    attemptsLeft: integer("Attempts left (students).").optional(),
    scoreWithheld: z.boolean().describe("Score held back until the last attempt."),
    attempts: z.array(AttemptResult).optional().describe("Every attempt, once released."),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  examples: [{ itemId: "item-alg-linear-1", response: { RESPONSE: "B" } }],
  render: (out) =>
    (out.scoreWithheld ? `Attempt ${out.attempt} scored; the score is withheld until the last attempt` : `Score ${out.score}/${out.maxScore}${out.correct === undefined ? "" : out.correct ? ", correct" : ", not correct"}${out.needsHumanScoring ? " (needs human scoring)" : ""}`) +
    (out.attemptsLeft === undefined ? "." : `; ${out.attemptsLeft} attempt(s) left.`) + " Practice only: nothing recorded.",
  handler: async ({ itemId, response }, context: EducationContext) => {
    const actor = await callerOf(context, "assessment");
    requireItemAccess(context, actor);
    const item = visibleItem(context, actor, itemId);
    const parsed = parseQtiItem(item.xml);
    // Score first (a malformed response costs no attempt), then claim the attempt before anything is returned.
    const result = scoreQtiResponse(parsed, response);
    const claim = await claimPractice(context, actor, item);
    const base = { itemId, maxScore: result.maxScore, needsHumanScoring: result.needsHumanScoring, recorded: false as const };
    const correct = result.correct === undefined || result.correct === null ? {} : { correct: result.correct };
    if (!claim) return { ...base, score: result.score, ...correct, feedback: result.feedback, scoreWithheld: false };
    const { store } = context.services.gateway;
    store.settlePracticeAttempt(actor.userId, item.id, claim.attempt, result.score, result.correct);
    if (!claim.showScore) return { ...base, feedback: [], attempt: claim.attempt, attemptsLeft: claim.attemptsLeft, scoreWithheld: true };
    const attempts =
      context.settings.integrity.practiceFeedback === "after-last-attempt"
        ? store.practiceAttempts(actor.userId, item.id).map(({ attempt, score, correct }) => ({ attempt, ...(score === null ? {} : { score }), ...(correct === null ? {} : { correct }) }))
        : undefined;
    return { ...base, score: result.score, ...correct, feedback: result.feedback, attempt: claim.attempt, attemptsLeft: claim.attemptsLeft, scoreWithheld: false, ...(attempts ? { attempts } : {}) };
  },
});
