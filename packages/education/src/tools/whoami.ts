import { defineTool } from "@mcp-verticals/core";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import { WhoAmI } from "../schemas/views.js";
import { callerOf } from "./shared.js";

/** `edu_whoami`: the caller's role (from authentication), pseudonym and the rules in force. */
export const whoamiTool = defineTool({
  name: "edu_whoami",
  toolset: "overview",
  title: "Who am I",
  description: "The caller's role (from authentication), own pseudonym and the privacy, integrity and write rules in force. Call it first.",
  input: z.object({}),
  output: z.object({ whoami: WhoAmI.describe("The caller and the rules in force.") }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{}],
  render: ({ whoami: w }) =>
    `You are ${w.me}, acting as ${w.actingRole} (from authentication). Profiles: ${w.profiles.join(", ")}. Assessment mode ${w.integrity.assessmentMode}, answer keys ${w.integrity.answerKeys}. ` +
    `Writes: ${w.writes.mode === "off" || w.writes.allow.length === 0 ? "off" : `${w.writes.allow.join(", ")} (each approved by a human)`}. Aggregates need at least ${w.privacy.minCohort} learners; people appear as pseudonyms only.`,
  handler: async (_input, context: EducationContext) => {
    const actor = await callerOf(context, "roster");
    const { settings } = context;
    return {
      whoami: {
        actingRole: actor.role,
        me: actor.pseudonym,
        roleSource: "authentication" as const,
        negotiated: settings.negotiated,
        profiles: settings.profiles,
        privacy: settings.privacy,
        integrity: settings.integrity,
        // A human approves every write, so what the server allows applies to plain clients too.
        writes: context.declared ? settings.writes : { mode: context.serverSettings.writes.mode, allow: context.serverSettings.writes.mode === "off" ? [] : [...context.serverSettings.writes.allow] },
      },
    };
  },
});
