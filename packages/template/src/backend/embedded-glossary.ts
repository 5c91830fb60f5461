import type { Term } from "../schemas/term.js";
import type { GlossaryBackend } from "./glossary-backend.js";

const ENTRIES: readonly Term[] = [
  { term: "extension", language: "en", definition: "An optional, negotiated addition to the Model Context Protocol, named by a vendor-prefixed id.", seeAlso: ["capability", "negotiation"] },
  { term: "capability", language: "en", definition: "A feature a client or server declares so the other side knows it may use it.", seeAlso: ["extension"] },
  { term: "negotiation", language: "en", definition: "Both sides declare settings; the server combines them into the effective settings for a request.", seeAlso: ["extension", "fallback"] },
  { term: "fallback", language: "en", definition: "The behaviour a server offers a client that did not negotiate an extension: the safest defaults.", seeAlso: ["negotiation"] },
  { term: "extension", language: "nb", definition: "Et valgfritt, forhandlet tillegg til Model Context Protocol, navngitt med en leverandørprefiks.", seeAlso: ["capability"] },
  { term: "capability", language: "nb", definition: "En egenskap en klient eller tjener erklærer slik at motparten vet at den kan brukes.", seeAlso: ["extension"] },
  { term: "extension", language: "de", definition: "Eine optionale, ausgehandelte Erweiterung des Model Context Protocol mit Herstellerpräfix.", seeAlso: ["capability"] },
];

/** The embedded default backend: a small in-memory glossary, no configuration needed. */
export function createEmbeddedGlossary(entries: readonly Term[] = ENTRIES): GlossaryBackend {
  return {
    lookup: async (term, language) => entries.find((entry) => entry.term === term.toLowerCase() && entry.language === language),
    search: async (prefix, language, limit) =>
      entries.filter((entry) => entry.language === language && entry.term.startsWith(prefix.toLowerCase())).slice(0, limit),
    count: async () => entries.length,
  };
}
