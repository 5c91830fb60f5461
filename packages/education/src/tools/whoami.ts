import { defineTool } from "@mcp-verticals/core";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import { WhoAmI } from "../schemas/views.js";
import { callerOf } from "./shared.js";

/** `edu_whoami`: the caller's role (from authentication), pseudonym and the rules in force. */
export const whoamiTool = defineTool({
  name: "edu_whoami",
  title: "Who am I",
  description:
    "Returns the caller's acting role (taken from authentication, never from arguments), their own pseudonym, and the privacy, integrity and write rules in force for this session. Call it first to learn what you may do.",
  input: z.object({}),
  output: z.object({ whoami: WhoAmI }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{}],
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
