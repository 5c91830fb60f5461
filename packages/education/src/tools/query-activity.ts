import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import { PageInfo, Pseudonym } from "../schemas/views.js";
import { actorFor, VERB_ALIASES } from "./activity-shared.js";
import { auditAccess, callerOf, pageOf, PagingInput } from "./shared.js";

/** `edu_query_activity`: read xAPI statements; students see only their own. */
export const queryActivityTool = defineTool({
  name: "edu_query_activity",
  title: "Query learning activity",
  description:
    "Reads xAPI statements from the embedded learning record store, newest first. Students see only their own; staff may name a learner pseudonym from a class they teach. Filter by verb (alias or IRI), activity id and since (ISO 8601). Statements past the retention window are purged before every query. Paged.",
  input: z.object({
    studentSourcedId: Pseudonym.optional(),
    verb: z.string().max(512).optional(),
    activityId: z.string().max(2048).optional(),
    since: z.iso.datetime({ offset: true }).optional(),
    ...PagingInput,
  }),
  output: z.object({
    statements: z.array(z.object({ id: z.string(), learner: z.string(), verb: z.string(), objectId: z.string(), timestamp: z.string().optional(), stored: z.string(), result: z.record(z.string(), z.unknown()).optional() })),
    ...PageInfo,
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{}, { verb: "experienced", limit: 5 }],
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
      ...(row.statement.result ? { result: row.statement.result as Record<string, unknown> } : {}),
    }));
    const page = pageOf(context, "edu_query_activity", actor, statements, input, { l: learner, v: input.verb ?? null, a: input.activityId ?? null, s: input.since ?? null });
    return { statements: page.items, truncated: page.truncated, returned: page.returned, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  },
});
