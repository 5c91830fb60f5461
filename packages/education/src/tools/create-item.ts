import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import { QtiInteractionType } from "../schemas/qti.js";
import { buildQtiItemXml, parseQtiItem } from "../standards/qti.js";
import { approvedWrite, callerOf, IdempotencyKeyInput, requireWrite, WriteOutcome } from "./shared.js";

/** `edu_create_item`: a new draft QTI 3.0 item from XML or a simple description. */
export const createItemTool = defineTool({
  name: "edu_create_item",
  toolset: "assessment",
  title: "Create an assessment item",
  description:
    "Adds a draft QTI 3.0 item from XML (format qti3) or a simple description (type, prompt, choices, correct; match: targets and 'choice => target' pairs), validated first. A human approves (else APPROVAL_PENDING; call again after). Teachers only.",
  input: z.object({
    format: z.enum(["qti3", "simple"]).describe("qti3 (xml) or simple."),
    xml: z.string().max(256 * 1024).optional().describe("qti-assessment-item XML (qti3)."),
    identifier: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/).optional().describe("Item id (simple; default generated)."),
    type: QtiInteractionType.exclude(["select-point"]).optional().describe("Interaction (simple)."),
    title: z.string().min(1).max(200).optional().describe("Title (simple)."),
    prompt: z.string().min(1).max(2000).optional().describe("Prompt (simple)."),
    choices: z.array(z.string().min(1).max(300)).max(20).optional().describe("Choices (simple)."),
    targets: z.array(z.string().min(1).max(300)).max(20).optional().describe("Match targets (simple)."),
    correct: z.array(z.string().min(1).max(300)).max(20).default([]).describe("Correct answers (simple)."),
    points: z.number().positive().max(100).default(1).describe("Points."),
    cfItemIds: z.array(z.string().max(256)).max(20).default([]).describe("CASE CFItem ids to align."),
    bank: z.string().min(1).max(64).default("drafts").describe("Bank."),
    idempotencyKey: IdempotencyKeyInput,
  }),
  output: z.object({ ...WriteOutcome, itemId: z.string().describe("Item id."), interaction: QtiInteractionType }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ format: "simple", type: "choice", title: "Even numbers", prompt: "Which number is even?", choices: ["3", "4", "7"], correct: ["4"] }],
  render: (out) => (out.status === "written" ? `Added draft ${out.interaction} item ${out.itemId} (approved through ${out.approvedThrough}).` : out.preview),
  handler: async (input, context: EducationContext) => {
    const actor = await callerOf(context, "assessment");
    requireWrite(context, "create_item", actor);
    const { gateway } = context.services;
    let xml: string;
    if (input.format === "qti3") {
      if (!input.xml) throw new ExtensionError("ITEM_INVALID", "format qti3 needs xml", { field: "xml" });
      xml = input.xml;
    } else {
      if (!input.type) throw new ExtensionError("ITEM_INVALID", "format simple needs a type", { field: "type" });
      if (!input.prompt) throw new ExtensionError("ITEM_INVALID", "format simple needs a prompt", { field: "prompt" });
      const identifier = input.identifier ?? `item-draft-${gateway.pseudonym(`${actor.userId}:${input.prompt}`).slice(2, 14)}`;
      xml = buildQtiItemXml({
        identifier,
        title: input.title ?? input.prompt.slice(0, 60),
        type: input.type,
        prompt: input.prompt,
        ...(input.choices ? { choices: input.choices } : {}),
        ...(input.targets ? { targets: input.targets } : {}),
        correct: input.correct,
        points: input.points,
      });
    }
    const parsed = parseQtiItem(xml);
    const existing = gateway.store.getItem(parsed.identifier);
    if (existing && existing.author !== actor.userId) throw new ExtensionError("ITEM_EXISTS", "an item with this identifier belongs to another author", { field: "identifier" });
    const known = new Set(gateway.store.listCasePackages().flatMap((p) => p.CFItems.map((i) => i.identifier)));
    for (const id of input.cfItemIds) if (!known.has(id)) throw new ExtensionError("OUTCOME_NOT_FOUND", "a CFItem id is not in any loaded framework", { field: "cfItemIds" });
    const interaction = parsed.interactions[0]!.type;
    const { idempotencyKey, ...args } = input;
    const outcome = await approvedWrite(context, {
      binding: "edu_create_item",
      actor,
      args,
      idempotencyKey,
      alreadyWritten: async () => {
        const found = gateway.store.getItem(parsed.identifier);
        return found?.xml === xml && found.author === actor.userId ? parsed.identifier : undefined;
      },
      preview: {
        title: "Add this draft assessment item?",
        facts: [`Draft ${interaction} item ${parsed.identifier} with ${parsed.interactions.length} interaction(s), max score ${parsed.maxScore}, validated as QTI 3.0`],
        modelSupplied: [
          { label: "item title", text: parsed.title },
          { label: "bank", text: input.bank },
        ],
      },
      write: async () => {
        gateway.store.putItem({ id: parsed.identifier, title: parsed.title, interaction, xml, cfItemIds: input.cfItemIds, status: "draft", author: actor.userId, bank: input.bank });
        return parsed.identifier;
      },
      verify: async (id) => gateway.store.getItem(id)?.xml === xml,
    });
    const { written: _written, ...rest } = outcome;
    return { ...rest, itemId: parsed.identifier, interaction };
  },
});
