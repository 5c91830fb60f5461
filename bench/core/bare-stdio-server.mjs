#!/usr/bin/env node
// A bare SDK server with the same single tool as the template vertical
// (`template_lookup_term`: same zod input/output schemas, same lookup logic, same text
// rendering, same structuredContent) but no @mcp-verticals/core layer. Used by
// bench/core/index.mjs as the baseline, in process (import createBareServer) and as a
// spawned stdio server (run this file) for the cold-start comparison.
import { pathToFileURL } from "node:url";
import { McpServer } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { z } from "zod";

// Mirrors packages/template/src/schemas/{settings,term}.ts and tools/lookup-term.ts.
const Language = z.enum(["en", "nb", "de"]);
const Term = z.object({
  term: z.string(),
  language: Language,
  definition: z.string(),
  seeAlso: z.array(z.string()),
});
const input = z.object({ term: z.string().min(1).max(64).describe("The term to define, e.g. 'extension'.") });
const output = z.object({ entry: Term });

// Mirrors packages/template/src/backend/embedded-glossary.ts.
const ENTRIES = [
  { term: "extension", language: "en", definition: "An optional, negotiated addition to the Model Context Protocol, named by a vendor-prefixed id.", seeAlso: ["capability", "negotiation"] },
  { term: "capability", language: "en", definition: "A feature a client or server declares so the other side knows it may use it.", seeAlso: ["extension"] },
  { term: "negotiation", language: "en", definition: "Both sides declare settings; the server combines them into the effective settings for a request.", seeAlso: ["extension", "fallback"] },
  { term: "fallback", language: "en", definition: "The behaviour a server offers a client that did not negotiate an extension: the safest defaults.", seeAlso: ["negotiation"] },
  { term: "extension", language: "nb", definition: "Et valgfritt, forhandlet tillegg til Model Context Protocol, navngitt med en leverandørprefiks.", seeAlso: ["capability"] },
  { term: "capability", language: "nb", definition: "En egenskap en klient eller tjener erklærer slik at motparten vet at den kan brukes.", seeAlso: ["extension"] },
  { term: "extension", language: "de", definition: "Eine optionale, ausgehandelte Erweiterung des Model Context Protocol mit Herstellerpräfix.", seeAlso: ["capability"] },
];
const lookup = async (term, language) => ENTRIES.find((entry) => entry.term === term.toLowerCase() && entry.language === language);

export const BARE_SERVER_INFO = { name: "bench-bare-template", version: "0.1.0" };

/** One fresh bare McpServer (a factory, like createTemplateServer). */
export function createBareServer() {
  const server = new McpServer(BARE_SERVER_INFO, {
    instructions: "A glossary of MCP terms. Call template_lookup_term for definitions.",
  });
  server.registerTool(
    "template_lookup_term",
    {
      title: "Look up a term",
      description:
        "Returns the glossary definition of one MCP term in the client's negotiated language. Use it when the user asks what a protocol word means. Fails with TERM_NOT_FOUND when the glossary has no entry.",
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ term }) => {
      // The template's fallback language for a client that did not negotiate is "en".
      const entry = await lookup(term, "en");
      if (!entry) {
        return { isError: true, content: [{ type: "text", text: "TERM_NOT_FOUND: the glossary has no entry for that term" }] };
      }
      const data = { entry };
      return { content: [{ type: "text", text: `${entry.term} (${entry.language}): ${entry.definition}` }], structuredContent: data };
    },
  );
  return server;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) serveStdio(() => createBareServer());
