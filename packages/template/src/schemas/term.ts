import { z } from "zod";
import { Language } from "./settings.js";

/** A glossary entry as tools return it. */
export const Term = z.object({
  term: z.string(),
  language: Language,
  definition: z.string(),
  seeAlso: z.array(z.string()),
});

export type Term = z.output<typeof Term>;
