import { z } from "zod";

/** Languages the glossary can answer in. */
export const Language = z.enum(["en", "nb", "de"]);

/** What the server advertises under `capabilities.extensions["io.github.mcp-verticals/template"]`. */
export const TemplateServerSettings = z.object({
  /** Languages this deployment has definitions in. */
  languages: z.array(Language).min(1).default(["en", "nb"]).describe("Languages this deployment has definitions in; the first is the fallback."),
  /** Most terms one search returns. */
  maxResults: z.number().int().min(1).max(100).default(20).describe("Most terms one search returns."),
});

/** What a client declares. Strict: a typo is refused, not ignored. */
export const TemplateClientSettings = z.strictObject({
  /** Preferred language for definitions. */
  language: Language.optional().describe("Preferred language for definitions."),
});

/** The settings in force for one request. */
export const TemplateEffectiveSettings = z.object({
  language: Language,
  maxResults: z.number().int(),
  /** Whether the gated `stats` method is available (only for clients that negotiated). */
  statsAvailable: z.boolean(),
});

export type TemplateServerSettings = z.output<typeof TemplateServerSettings>;
export type TemplateClientSettings = z.output<typeof TemplateClientSettings>;
export type TemplateEffectiveSettings = z.output<typeof TemplateEffectiveSettings>;
