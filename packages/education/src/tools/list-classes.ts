import { defineTool } from "@mcp-verticals/core";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import { ClassView, PageInfo } from "../schemas/views.js";
import { callerOf, pageOf, PagingInput } from "./shared.js";

/** `edu_list_classes`: the classes the caller teaches or takes. */
export const listClassesTool = defineTool({
  name: "edu_list_classes",
  toolset: "overview",
  title: "List my classes",
  description: "Classes the caller teaches or takes (admins: all), with course, terms and the caller's role. Paged.",
  input: z.object({ termSourcedId: z.string().max(256).optional().describe("Only this term, e.g. term-2026-fall."), ...PagingInput }),
  output: z.object({ classes: z.array(ClassView).describe("Classes."), ...PageInfo }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{}, { termSourcedId: "term-2026-fall", limit: 5 }],
  render: ({ classes, truncated }) => (classes.map((c) => `${c.classSourcedId}: ${c.title} [${c.myRole}]`).join("\n") || "No classes.") + (truncated ? "\n(more: pass nextCursor)" : ""),
  handler: async (input, context: EducationContext) => {
    const actor = await callerOf(context, "roster");
    const classes = await context.services.gateway.listClasses(actor, input.termSourcedId === undefined ? {} : { termSourcedId: input.termSourcedId });
    const page = pageOf(context, "edu_list_classes", actor, classes, input, { term: input.termSourcedId ?? null });
    return { classes: page.items, truncated: page.truncated, returned: page.returned, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  },
});
