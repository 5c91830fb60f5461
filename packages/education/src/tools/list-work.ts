import { defineTool } from "@mcp-verticals/core";
import { z } from "zod";
import { dateTime } from "../schemas/lean.js";
import type { EducationContext } from "../context.js";
import { PageInfo, WorkItem } from "../schemas/views.js";
import { auditAccess, callerOf, pageOf, PagingInput } from "./shared.js";

/** `edu_list_work`: assignments and quizzes in one list, with status. */
export const listWorkTool = defineTool({
  name: "edu_list_work",
  toolset: "overview",
  title: "List work (assignments and quizzes)",
  description: "Assignments and quizzes by due date with status (upcoming, submitted, late, missing, graded): a student's own, or staff counts per class. Paged.",
  input: z.object({
    classSourcedId: z.string().min(1).max(256).optional().describe("One class (default: all yours)."),
    window: z.object({ from: dateTime("Due from.").optional(), to: dateTime("Due until.").optional() }).optional().describe("Due-date window."),
    status: z.enum(["upcoming", "missing", "late", "graded", "submitted", "all"]).default("all").describe("Only this status."),
    kinds: z.array(z.enum(["assignment", "quiz"])).min(1).max(2).optional().describe("Only these kinds."),
    ...PagingInput,
  }),
  output: z.object({ work: z.array(WorkItem).describe("Work items."), ...PageInfo }),
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
