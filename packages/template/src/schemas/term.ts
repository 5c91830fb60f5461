import { z } from "zod";
import { Language } from "./settings.js";

/** A glossary entry as tools return it. */
export const Term = z.object({
  term: z.string().describe("The term, lower case."),
  language: Language.describe("Language of the definition."),
  definition: z.string().describe("One-sentence definition."),
  seeAlso: z.array(z.string()).describe("Related terms to look up next."),
});

export type Term = z.output<typeof Term>;
