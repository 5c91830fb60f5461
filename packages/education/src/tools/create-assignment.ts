import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { createHash } from "node:crypto";
import { z } from "zod";
import { dateTime } from "../schemas/lean.js";
import type { EducationContext } from "../context.js";
import type { LineItemExtras, OrLineItem } from "../schemas/oneroster.js";
import { WorkItem } from "../schemas/views.js";
import { approvedWrite, callerOf, IdempotencyKeyInput, requireWrite, WriteOutcome } from "./shared.js";

/** `edu_create_assignment`: a new line item (draft unless published), once a human approved it. */
export const createAssignmentTool = defineTool({
  name: "edu_create_assignment",
  toolset: "grading",
  title: "Create an assignment or quiz",
  description:
    "Creates an assignment (a quiz with qtiItemIds; practised items refused) in a class the caller teaches, a draft unless publish. A human approves first (else APPROVAL_PENDING; call again after).",
  input: z.object({
    classSourcedId: z.string().min(1).max(256).describe("Class sourcedId."),
    title: z.string().min(1).max(200).describe("Title."),
    description: z.string().max(5000).default("").describe("Instructions for students."),
    dueDate: dateTime("Due (ISO 8601)."),
    pointsPossible: z.number().positive().max(1000).describe("Points possible."),
    categorySourcedId: z.string().max(256).default("cat-homework").describe("Category sourcedId."),
    cfItemIds: z.array(z.string().max(256)).max(20).default([]).describe("CASE CFItem ids to align."),
    qtiItemIds: z.array(z.string().max(256)).max(50).default([]).describe("QTI items (makes a quiz)."),
    publish: z.boolean().default(false).describe("Visible to students at once."),
    idempotencyKey: IdempotencyKeyInput,
  }),
  output: z.object({ ...WriteOutcome, work: WorkItem.optional().describe("The created work.") }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ classSourcedId: "cls-alg1-a", title: "Slope practice", dueDate: "2026-12-15T23:59:00Z", pointsPossible: 10 }],
  render: (out) => (out.work ? `Created ${out.work.kind} ${out.work.title} (${out.work.lineItemSourcedId}), due ${out.work.dueDate}, ${out.work.published ? "published" : "draft"}.` : out.preview),
  handler: async (input, context: EducationContext) => {
    const actor = await callerOf(context, "coursework");
    requireWrite(context, "create_assignment", actor);
    const { gateway } = context.services;
    const { role } = await gateway.classRole(actor, input.classSourcedId);
    if (role !== "teacher" && role !== "administrator") throw new ExtensionError("FORBIDDEN", "only a teacher of this class may create work");
    for (const id of input.qtiItemIds) if (!gateway.store.getItem(id)) throw new ExtensionError("ITEM_NOT_FOUND", "a QTI item id does not exist", { field: "qtiItemIds" });
    // Students have seen practice scores for a practised item: its key is no longer secret, so it cannot be graded.
    for (const id of input.qtiItemIds) if (gateway.store.wasPracticed(id)) throw new ExtensionError("ITEM_PRACTISED", "a QTI item was already practised by students and cannot be part of graded work", { field: "qtiItemIds" });
    const known = new Set(gateway.store.listCasePackages().flatMap((p) => p.CFItems.map((i) => i.identifier)));
    for (const id of input.cfItemIds) if (!known.has(id)) throw new ExtensionError("OUTCOME_NOT_FOUND", "a CFItem id is not in any loaded framework", { field: "cfItemIds" });
    if (!(await gateway.roster.listCategories()).some((c) => c.sourcedId === input.categorySourcedId)) throw new ExtensionError("CATEGORY_NOT_FOUND", "no such category", { field: "categorySourcedId" });
    // OneRoster 1.2 requires a line item to name the school that offers the class.
    const school = (await gateway.roster.getClass(input.classSourcedId))?.school;
    if (!school) throw new ExtensionError("CLASS_NOT_FOUND", "no such class", { field: "classSourcedId" });
    // The human approves the assignment, not the retry key (nor does the key change its id).
    const { idempotencyKey, ...args } = input;
    const sourcedId = `li-${input.classSourcedId.replace(/^cls-/, "")}-${createHash("sha256").update(JSON.stringify(args)).digest("hex").slice(0, 10)}`;
    const kind = input.qtiItemIds.length > 0 ? "quiz" : "assignment";
    const outcome = await approvedWrite(context, {
      binding: "edu_create_assignment",
      actor,
      args,
      idempotencyKey,
      // The id derives from the arguments: a line item with it and this title is the earlier attempt's.
      alreadyWritten: async () => {
        const found = await gateway.roster.getLineItem(sourcedId);
        return found?.title === input.title ? found : undefined;
      },
      preview: {
        title: `Create this ${kind}?`,
        facts: [
          `${input.publish ? "Published (visible to students)" : "Draft (invisible to students)"} ${kind} in class ${input.classSourcedId}`,
          `Due ${input.dueDate}, worth ${input.pointsPossible} points, category ${input.categorySourcedId}`,
          `${input.qtiItemIds.length} QTI item(s), ${input.cfItemIds.length} aligned standard(s)`,
        ],
        modelSupplied: [
          { label: "title", text: input.title },
          { label: "description", text: input.description },
        ],
      },
      write: async () => {
        const now = new Date(gateway.now()).toISOString();
        const extras: LineItemExtras = { kind, qtiItemIds: input.qtiItemIds, cfItemIds: input.cfItemIds, published: input.publish, rubric: [] };
        const lineItem: OrLineItem = {
          sourcedId,
          status: "active",
          dateLastModified: now,
          title: input.title,
          description: input.description,
          assignDate: now,
          dueDate: input.dueDate,
          class: { sourcedId: input.classSourcedId, type: "class" },
          school: { sourcedId: school.sourcedId, type: "org" },
          category: { sourcedId: input.categorySourcedId, type: "category" },
          resultValueMin: 0,
          resultValueMax: input.pointsPossible,
          metadata: extras,
        };
        await gateway.roster.putLineItem(lineItem);
        return lineItem;
      },
      verify: async (written) => (await gateway.roster.getLineItem(written.sourcedId))?.title === written.title,
    });
    let work;
    if (outcome.status === "written") work = (await gateway.listWork(actor, [input.classSourcedId])).items.find((w) => w.lineItemSourcedId === sourcedId);
    const { written: _written, ...rest } = outcome;
    return { ...rest, ...(work ? { work } : {}) };
  },
});
