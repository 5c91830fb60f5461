import { defineTool } from "@mcp-verticals/core";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import { PageInfo, WorkItem, WorkStatus } from "../schemas/views.js";
import { auditAccess, callerOf, pageOf, PagingInput } from "./shared.js";

/** `edu_list_work`: assignments and quizzes in one list, with status. */
export const listWorkTool = defineTool({
  name: "edu_list_work",
  title: "List work (assignments and quizzes)",
  description:
    "Lists assignments and quizzes together, sorted by due date, with a status: upcoming, submitted, late, missing or graded. For a student the status and score are their own; for staff, counts per status across the class and the most urgent status. Filter by class, due-date window, status and kind. Paged.",
  input: z.object({
    classSourcedId: z.string().min(1).max(256).optional().describe("One class; default all of the caller's classes."),
    window: z.object({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() }).optional().describe("Due-date window (ISO 8601)."),
    status: z.union([WorkStatus, z.literal("all")]).default("all"),
    kinds: z.array(z.enum(["assignment", "quiz"])).min(1).max(2).optional(),
    ...PagingInput,
  }),
  output: z.object({ work: z.array(WorkItem), ...PageInfo }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ classSourcedId: "cls-alg1-a" }, { status: "missing", limit: 5 }],
  render: ({ work }) => work.map((w) => `${w.dueDate.slice(0, 10)} ${w.status.padEnd(9)} ${w.kind.padEnd(10)} ${w.title} (${w.lineItemSourcedId})`).join("\n") || "No work matches.",
  handler: async (input, context: EducationContext) => {
    const actor = await callerOf(context, "coursework");
    const { gateway } = context.services;
    const classIds = input.classSourcedId !== undefined ? [input.classSourcedId] : (await gateway.listClasses(actor, {})).map((c) => c.classSourcedId);
    const { items, subjects } = await gateway.listWork(actor, classIds);
    const from = input.window?.from ? Date.parse(input.window.from) : -Infinity;
    const to = input.window?.to ? Date.parse(input.window.to) : Infinity;
    const filtered = items.filter(
      (item) => (input.status === "all" || item.status === input.status) && (!input.kinds || input.kinds.includes(item.kind)) && Date.parse(item.dueDate) >= from && Date.parse(item.dueDate) <= to,
    );
    await auditAccess(context, "edu_list_work", actor, subjects, "own-work");
    const page = pageOf(context, "edu_list_work", actor, filtered, input, { c: input.classSourcedId ?? null, w: input.window ?? null, s: input.status, k: input.kinds ?? null });
    return { work: page.items, truncated: page.truncated, returned: page.returned, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  },
});
