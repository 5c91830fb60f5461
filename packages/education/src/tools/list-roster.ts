import { defineTool } from "@mcp-verticals/core";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import { PageInfo, RosterEntry } from "../schemas/views.js";
import { auditAccess, callerOf, pageOf, PagingInput } from "./shared.js";

/** `edu_list_roster`: the pseudonymous roster of a class (staff only). */
export const listRosterTool = defineTool({
  name: "edu_list_roster",
  toolset: "overview",
  title: "List a class roster",
  description: "People in a class the caller teaches, as pseudonyms with role and grades only (never names or contact data); use a pseudonym as studentSourcedId. Staff only; audited. Paged.",
  input: z.object({
    classSourcedId: z.string().min(1).max(256).describe("Class sourcedId."),
    role: z.enum(["student", "teacher", "aide"]).optional().describe("Only this role."),
    ...PagingInput,
  }),
  output: z.object({ roster: z.array(RosterEntry).describe("Roster entries."), ...PageInfo }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ classSourcedId: "cls-alg1-a", role: "student", limit: 10 }],
  render: ({ roster, truncated }) => (roster.map((r) => `${r.learner} ${r.label} [${r.role}]`).join("\n") || "Nobody matches.") + (truncated ? "\n(more: pass nextCursor)" : ""),
  handler: async (input, context: EducationContext) => {
    const actor = await callerOf(context, "roster");
    const { entries, subjects } = await context.services.gateway.listRoster(actor, input.classSourcedId, input.role);
    const page = pageOf(context, "edu_list_roster", actor, entries, input, { classSourcedId: input.classSourcedId, role: input.role ?? null });
    await auditAccess(context, "edu_list_roster", actor, subjects, "roster");
    return { roster: page.items, truncated: page.truncated, returned: page.returned, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  },
});
