import { defineTool } from "@mcp-verticals/core";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import { QtiResponse } from "../schemas/qti.js";
import { parseQtiItem, scoreQtiResponse } from "../standards/qti.js";
import { requireItemAccess, visibleItem } from "./items-shared.js";
import { claimPractice } from "./practice-guard.js";
import { callerOf } from "./shared.js";

const AttemptResult = z.object({ attempt: z.number().int(), score: z.number().nullable(), correct: z.boolean().nullable() });

/** `edu_score_response`: practice scoring; for students, capped attempts and no items from open graded work. */
export const scoreResponseTool = defineTool({
  name: "edu_score_response",
  title: "Score a practice response",
  description:
    "Scores a response to one QTI item with its response processing (standard templates or inline rules) and returns score, max score, whether it was correct and the ids of matching feedback. Practice only: nothing is recorded in the gradebook and it never submits on a learner's behalf. Responses are keyed by response identifier (usually RESPONSE); choice ids like A, B; match pairs as 'A T1'. Students may use it only in practice mode, only for items that are not part of graded work still open (ITEM_IN_GRADED_WORK), and for a limited number of attempts per item (PRACTICE_ATTEMPTS_EXHAUSTED); depending on the server, a student's scores may be withheld until the last attempt.",
  input: z.object({ itemId: z.string().min(1).max(256).describe("QTI item identifier."), response: QtiResponse }),
  output: z.object({
    itemId: z.string(),
    score: z.number().nullable().describe("null while the score is withheld until the last attempt."),
    maxScore: z.number(),
    correct: z.boolean().nullable(),
    needsHumanScoring: z.boolean(),
    feedback: z.array(z.string()),
    recorded: z.literal(false),
    attempt: z.number().int().optional().describe("This attempt's number (students)."),
    attemptsLeft: z.number().int().optional().describe("Practice attempts left on this item (students)."),
    scoreWithheld: z.boolean().describe("true when this attempt's score is held back until the last attempt."),
    attempts: z.array(AttemptResult).optional().describe("Every attempt's result, once scores are released at the last attempt."),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  examples: [{ itemId: "item-alg-linear-1", response: { RESPONSE: "B" } }],
  handler: async ({ itemId, response }, context: EducationContext) => {
    const actor = await callerOf(context, "assessment");
    requireItemAccess(context, actor);
    const item = visibleItem(context, actor, itemId);
    const parsed = parseQtiItem(item.xml);
    // Score first (a malformed response costs no attempt), then claim the attempt before anything is returned.
    const result = scoreQtiResponse(parsed, response);
    const claim = await claimPractice(context, actor, item);
    const base = { itemId, maxScore: result.maxScore, needsHumanScoring: result.needsHumanScoring, recorded: false as const };
    if (!claim) return { ...base, score: result.score, correct: result.correct ?? null, feedback: result.feedback, scoreWithheld: false };
    const { store } = context.services.gateway;
    store.settlePracticeAttempt(actor.userId, item.id, claim.attempt, result.score, result.correct);
    if (!claim.showScore) return { ...base, score: null, correct: null, feedback: [], attempt: claim.attempt, attemptsLeft: claim.attemptsLeft, scoreWithheld: true };
    const attempts = context.settings.integrity.practiceFeedback === "after-last-attempt" ? store.practiceAttempts(actor.userId, item.id).map(({ attempt, score, correct }) => ({ attempt, score, correct })) : undefined;
    return { ...base, score: result.score, correct: result.correct ?? null, feedback: result.feedback, attempt: claim.attempt, attemptsLeft: claim.attemptsLeft, scoreWithheld: false, ...(attempts ? { attempts } : {}) };
  },
});
