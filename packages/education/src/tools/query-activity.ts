import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import { dateTime } from "../schemas/lean.js";
import type { EducationContext } from "../context.js";
import { PageInfo, Pseudonym } from "../schemas/views.js";
import { actorFor, VERB_ALIASES } from "./activity-shared.js";
import { auditAccess, callerOf, pageOf, PagingInput } from "./shared.js";

// The statement's result without extensions (arbitrary JSON a portable schema cannot describe).
const XapiResultView = z
  .object({
    score: z
      .object({ scaled: z.number().optional().describe("Scaled, -1 to 1."), raw: z.number().optional().describe("Raw."), min: z.number().optional().describe("Min."), max: z.number().optional().describe("Max.") })
      .optional()
      .describe("Score."),
    success: z.boolean().optional().describe("Success."),
    completion: z.boolean().optional().describe("Completion."),
    response: z.string().optional().describe("Response."),
    duration: z.string().optional().describe("ISO 8601 duration."),
  })
  .describe("xAPI result (extensions left out).");
type XapiResultView = z.output<typeof XapiResultView>;

/** `edu_query_activity`: read xAPI statements; students see only their own. */
export const queryActivityTool = defineTool({
  name: "edu_query_activity",
  toolset: "activity",
  title: "Query learning activity",
  description: "xAPI statements, newest first: a student's own, or (staff) a learner of their class. Filter by verb, activity and since. Paged.",
  input: z.object({
    studentSourcedId: Pseudonym.optional().describe("Learner pseudonym (default: you)."),
    verb: z.string().max(512).optional().describe("Verb alias or IRI."),
    activityId: z.string().max(2048).optional().describe("Activity id."),
    since: dateTime("Stored since (ISO 8601).").optional(),
    ...PagingInput,
  }),
  output: z.object({
    statements: z
      .array(
        z.object({
          id: z.string().describe("Statement id."),
          learner: z.string().describe("Learner pseudonym."),
          verb: z.string().describe("Verb IRI."),
          objectId: z.string().describe("Activity id."),
          timestamp: z.string().optional().describe("When it happened."),
          stored: z.string().describe("When it was stored."),
          result: XapiResultView.optional(),
        }),
      )
      .describe("Statements."),
    ...PageInfo,
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{}, { verb: "experienced", limit: 5 }],
  render: ({ statements, truncated }) =>
    (statements.map((s) => `${s.timestamp ?? s.stored} ${s.learner} ${s.verb.slice(s.verb.lastIndexOf("/") + 1)} ${s.objectId}${s.result?.score?.scaled === undefined ? "" : ` (scaled ${s.result.score.scaled})`}`).join("\n") || "No statements.") +
    (truncated ? "\n(more: pass nextCursor)" : ""),
  handler: async (input, context: EducationContext) => {
    const actor = await callerOf(context, "activity");
    const { gateway, lrs } = context.services;
    const learner = input.studentSourcedId ?? actor.pseudonym;
    const subjectId = await gateway.readableLearner(actor, learner).catch((error: unknown) => {
      if (error instanceof ExtensionError && error.code === "FORBIDDEN") throw error;
      throw new ExtensionError("LEARNER_NOT_FOUND", "no learner with that pseudonym is visible to you", { field: "studentSourcedId" });
    });
    const rows = lrs.query({
      agent: actorFor(learner),
      ...(input.verb ? { verb: VERB_ALIASES[input.verb] ?? input.verb } : {}),
      ...(input.activityId ? { activity: input.activityId } : {}),
      ...(input.since ? { since: input.since } : {}),
      limit: 1000,
      offset: 0,
    });
    await auditAccess(context, "edu_query_activity", actor, [subjectId], "activity");
    const statements = rows.map((row) => ({
      id: row.id,
      learner,
      verb: row.verb,
      objectId: row.activityId,
      ...(row.statement.timestamp ? { timestamp: row.statement.timestamp } : {}),
      stored: row.stored,
      ...(row.statement.result ? { result: resultView(row.statement.result as XapiResultView & { extensions?: unknown }) } : {}),
    }));
    const page = pageOf(context, "edu_query_activity", actor, statements, input, { l: learner, v: input.verb ?? null, a: input.activityId ?? null, s: input.since ?? null });
    return { statements: page.items, truncated: page.truncated, returned: page.returned, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  },
});

function resultView({ score, success, completion, response, duration }: XapiResultView & { extensions?: unknown }): XapiResultView {
  return {
    ...(score ? { score: { ...(score.scaled === undefined ? {} : { scaled: score.scaled }), ...(score.raw === undefined ? {} : { raw: score.raw }), ...(score.min === undefined ? {} : { min: score.min }), ...(score.max === undefined ? {} : { max: score.max }) } } : {}),
    ...(success === undefined ? {} : { success }),
    ...(completion === undefined ? {} : { completion }),
    ...(response === undefined ? {} : { response }),
    ...(duration === undefined ? {} : { duration }),
  };
}
