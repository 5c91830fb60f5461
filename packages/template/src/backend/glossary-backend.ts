import type { Term } from "../schemas/term.js";

/** Where the template's data comes from. Verticals put their real adapters behind an interface like this. */
export interface GlossaryBackend {
  lookup(term: string, language: Term["language"]): Promise<Term | undefined>;
  search(prefix: string, language: Term["language"], limit: number): Promise<Term[]>;
  count(): Promise<number>;
}
