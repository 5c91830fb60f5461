import { defineMethod } from "@mcp-verticals/core";
import { z } from "zod";
import type { TemplateContext } from "../context.js";

/** `io.github.mcp-verticals/template/stats`: glossary statistics, only for clients that negotiated the extension. */
export const statsMethod = defineMethod({
  verb: "stats",
  description: "Counts glossary entries; gated to clients that declared the extension.",
  params: z.object({}),
  result: z.object({ entries: z.number().int(), version: z.string() }),
  requiresClientExtension: true,
  examples: [{}],
  handler: async (_params, context: TemplateContext) => ({
    entries: await context.services.glossary.count(),
    version: context.version ?? "",
  }),
});
