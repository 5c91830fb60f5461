import { defineTool } from "@mcp-verticals/core";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import { PageInfo, Pseudonym, ResultView } from "../schemas/views.js";
import { auditAccess, callerOf, pageOf, PagingInput } from "./shared.js";

/** `edu_list_results`: OneRoster results, pseudonymized; students only see their own. */
export const listResultsTool = defineTool({
  name: "edu_list_results",
  toolset: "details",
  title: "List results",
  description: "Gradebook results of a line item or class, learners as pseudonyms; staff see the class, a student only their own. Audited. Paged.",
  input: z.object({
    lineItemSourcedId: z.string().min(1).max(256).optional().describe("One line item."),
    classSourcedId: z.string().min(1).max(256).optional().describe("One class."),
    studentSourcedId: Pseudonym.optional().describe("One learner's pseudonym."),
    scoreStatus: z.enum(["exempt", "fully graded", "not submitted", "partially graded", "submitted"]).optional().describe("Only this scoreStatus."),
    ...PagingInput,
  }),
  output: z.object({ results: z.array(ResultView).describe("Results."), ...PageInfo }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ lineItemSourcedId: "li-alg1-a-1", limit: 10 }],
  render: ({ results, truncated }) =>
    (results.map((r) => `${r.lineItemSourcedId} ${r.learner}: ${r.score ?? "-"}/${r.scoreMaximum} ${r.scoreStatus}${r.late ? " late" : ""}${r.missing ? " missing" : ""}`).join("\n") || "No results.") + (truncated ? "\n(more: pass nextCursor)" : ""),
  handler: async (input, context: EducationContext) => {
    const actor = await callerOf(context, "gradebook");
    const { items, subjects } = await context.services.gateway.listResults(actor, {
      ...(input.lineItemSourcedId === undefined ? {} : { lineItemSourcedId: input.lineItemSourcedId }),
      ...(input.classSourcedId === undefined ? {} : { classSourcedId: input.classSourcedId }),
      ...(input.studentSourcedId === undefined ? {} : { learner: input.studentSourcedId }),
    });
    const filtered = input.scoreStatus === undefined ? items : items.filter((r) => r.scoreStatus === input.scoreStatus);
    await auditAccess(context, "edu_list_results", actor, subjects, "results");
    const page = pageOf(context, "edu_list_results", actor, filtered, input, { l: input.lineItemSourcedId ?? null, c: input.classSourcedId ?? null, s: input.studentSourcedId ?? null, st: input.scoreStatus ?? null });
    return { results: page.items, truncated: page.truncated, returned: page.returned, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  },
});
