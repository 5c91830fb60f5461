#!/usr/bin/env node
import { runServerBin, serverIdentityFrom } from "@mcp-verticals/core";
import serverJson from "../server.json" with { type: "json" };
import { createTemplateServer } from "./server.js";
import { templateExtension } from "./extension.js";

void runServerBin({
  command: "mcp-template",
  summary: "Reference server of the template vertical: a glossary of MCP terms with a negotiated language.",
  identity: serverIdentityFrom(serverJson),
  toolsets: templateExtension.toolsets,
  flags: {
    language: { type: "string", valueName: "<en|nb|de>", description: "Offer only this language (default: en and nb)." },
  },
  createFactory: ({ flags, state }) => {
    const languages = typeof flags.language === "string" ? [flags.language] : undefined;
    return () => createTemplateServer({ state, ...(languages ? { settings: { languages: languages as never } } : {}) });
  },
});
