#!/usr/bin/env node
import { runServerBin } from "@mcp-verticals/core";
import { createTemplateServer, TEMPLATE_SERVER_INFO } from "./server.js";
import { TEMPLATE_EXTENSION_ID } from "./extension.js";

void runServerBin({
  command: "mcp-template",
  summary: "Reference server of the template vertical: a glossary of MCP terms with a negotiated language.",
  identity: {
    name: TEMPLATE_EXTENSION_ID,
    title: "mcp-verticals template",
    version: TEMPLATE_SERVER_INFO.version,
    description: "The smallest complete mcp-verticals vertical: a glossary with negotiated language.",
  },
  flags: {
    language: { type: "string", valueName: "<en|nb|de>", description: "Offer only this language (default: en and nb)." },
  },
  createFactory: ({ flags, state }) => {
    const languages = typeof flags.language === "string" ? [flags.language] : undefined;
    return () => createTemplateServer({ state, ...(languages ? { settings: { languages: languages as never } } : {}) });
  },
});
