import { defineTool } from "@mcp-verticals/core";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import { QtiResponse } from "../schemas/qti.js";
import { parseQtiItem, scoreQtiResponse } from "../standards/qti.js";
import { requireItemAccess, visibleItem } from "./items-shared.js";
import { callerOf } from "./shared.js";

/** `edu_score_response`: deterministic practice scoring; nothing is recorded. */
export const scoreResponseTool = defineTool({
  name: "edu_score_response",
  title: "Score a practice response",
  description:
    "Scores a response to one QTI item with its standard response processing (match_correct or map_response) and returns score, max score, whether it was correct and the ids of matching feedback. Practice only: nothing is recorded in the gradebook and it never submits on a learner's behalf. Responses are keyed by response identifier (usually RESPONSE); choice ids like A, B; match pairs as 'A T1'. Students may use it only in practice mode.",
  input: z.object({ itemId: z.string().min(1).max(256), response: QtiResponse }),
  output: z.object({ itemId: z.string(), score: z.number(), maxScore: z.number(), correct: z.boolean().nullable(), needsHumanScoring: z.boolean(), feedback: z.array(z.string()), recorded: z.literal(false) }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ itemId: "item-alg-linear-1", response: { RESPONSE: "B" } }],
  handler: async ({ itemId, response }, context: EducationContext) => {
    const actor = await callerOf(context, "assessment");
    requireItemAccess(context, actor);
    const item = visibleItem(context, actor, itemId);
    const score = scoreQtiResponse(parseQtiItem(item.xml), response);
    return { itemId, score: score.score, maxScore: score.maxScore, correct: score.correct ?? null, needsHumanScoring: score.needsHumanScoring, feedback: score.feedback, recorded: false as const };
  },
});
