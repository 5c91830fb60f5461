import { defineTool, ExtensionError, requireHumanApproval } from "@mcp-verticals/core";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import { actorFor, VERB_ALIASES } from "./activity-shared.js";
import { auditAccess, callerOf, requireWrite } from "./shared.js";
import { assertNoFreeText, under13ActivityId, under13Verb } from "./under13-activity.js";

/** `edu_record_activity`: store an xAPI statement about the caller's own learning. */
export const recordActivityTool = defineTool({
  name: "edu_record_activity",
  toolset: "activity",
  title: "Record learning activity",
  description:
    "Stores an xAPI 1.0.3 statement whose actor is always the caller. Under 13: guardian consent, listed verbs only, object.id a known item or work, no free text stored. A human approves (else APPROVAL_PENDING; call again after).",
  input: z.object({
    verb: z.string().min(1).max(512).describe("Alias (experienced, attempted, completed, passed, failed, answered, progressed) or IRI."),
    object: z.object({ id: z.string().url().max(2048).describe("Activity IRI."), name: z.string().max(200).optional().describe("Activity name.") }).describe("The activity."),
    result: z
      .object({
        scaled: z.number().min(-1).max(1).optional().describe("Scaled score, -1 to 1."),
        success: z.boolean().optional().describe("Success."),
        completion: z.boolean().optional().describe("Completion."),
        duration: z.string().max(64).optional().describe("ISO 8601 duration."),
        response: z.string().max(2000).optional().describe("Learner response."),
      })
      .optional()
      .describe("xAPI result."),
    context: z.object({ classSourcedId: z.string().max(256).optional().describe("Class sourcedId.") }).optional().describe("Context."),
  }),
  output: z.object({
    statementId: z.string().describe("Statement id."),
    stored: z.string().describe("Stored (ISO 8601)."),
    verb: z.string().describe("Verb IRI."),
    objectId: z.string().describe("Activity id as stored."),
    freeTextDropped: z.boolean().describe("Free text was left out (under 13)."),
    approvalId: z.string().describe("Approval spent."),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  examples: [{ verb: "experienced", object: { id: "https://synthetic-school.example/activities/slope-video", name: "Slope video" } }],
  render: (out) => `Recorded statement ${out.statementId}: ${out.verb} ${out.objectId}${out.freeTextDropped ? " (free text left out)" : ""}.`,
  handler: async (input, context: EducationContext) => {
    const actor = await callerOf(context, "activity");
    requireWrite(context, "record_activity", actor);
    const { gateway, lrs } = context.services;
    const under13 = context.settings.privacy.audience === "under13";
    if (under13 && actor.role === "student" && !gateway.store.hasConsent(actor.userId)) {
      throw new ExtensionError("CONSENT_REQUIRED", "activity recording for this learner needs a guardian's consent");
    }
    // Under 13, nothing the learner typed may be stored: allowlisted verbs, activity ids rebuilt from known ids, no names or responses.
    const verb = under13 ? under13Verb(input.verb) : undefined;
    const verbId = verb?.id ?? VERB_ALIASES[input.verb] ?? input.verb;
    if (!/^[a-z][a-z0-9+.-]*:/i.test(verbId)) throw new ExtensionError("STATEMENT_INVALID", "verb must be a known alias or an IRI", { field: "verb" });
    const objectId = under13 ? await under13ActivityId(context, actor, input.object.id) : input.object.id;
    if (input.context?.classSourcedId !== undefined) await gateway.classRole(actor, input.context.classSourcedId);
    const { response, ...restResult } = input.result ?? {};
    const dropFreeText = under13 && (response !== undefined || input.object.name !== undefined || objectId !== input.object.id);
    const result = { ...restResult, ...(response !== undefined && !under13 ? { response } : {}) };
    const { scaled, ...others } = result as { scaled?: number } & Record<string, unknown>;
    const groupingId = input.context?.classSourcedId ? `https://synthetic-school.example/classes/${encodeURIComponent(input.context.classSourcedId)}` : undefined;
    const display = verb?.alias ?? (input.verb.startsWith("http") ? verbId.slice(verbId.lastIndexOf("/") + 1) : input.verb);
    const statement = {
      actor: actorFor(actor.pseudonym),
      verb: { id: verbId, display: { "en-US": display } },
      object: { objectType: "Activity", id: objectId, ...(input.object.name && !under13 ? { definition: { name: { "en-US": input.object.name } } } : {}) },
      ...(input.result ? { result: { ...others, ...(scaled === undefined ? {} : { score: { scaled } }) } } : {}),
      ...(groupingId ? { context: { contextActivities: { grouping: [{ id: groupingId }] } } } : {}),
    };
    if (under13) assertNoFreeText(statement, new Set([actor.pseudonym, objectId, ...(groupingId ? [groupingId] : [])]));
    // The statement is about the caller; its verb, activity and result are what the model proposes.
    const decision = await requireHumanApproval(context as never, {
      binding: "edu_record_activity",
      args: input,
      preview: {
        title: "Record this learning activity?",
        facts: [`Actor: ${actor.pseudonym} (the caller)`, `Verb ${verbId}`, ...(input.context?.classSourcedId ? [`Class ${input.context.classSourcedId}`] : [])],
        modelSupplied: [
          { label: "activity", text: `${objectId}${input.object.name && !under13 ? ` (${input.object.name})` : ""}` },
          ...(input.result ? [{ label: "result", text: JSON.stringify(result) }] : []),
        ],
      },
      now: () => gateway.now(),
    });
    if (decision.decision === "declined") throw new ExtensionError("APPROVAL_DECLINED", "the approver declined recording this activity; nothing was stored");
    const stored = lrs.record(statement);
    await auditAccess(context, "edu_record_activity", actor, [actor.userId], "activity-write");
    return { statementId: stored.id, stored: stored.stored, verb: verbId, objectId, freeTextDropped: dropFreeText, approvalId: decision.approvalId };
  },
});
