#!/usr/bin/env node
// Records the JSON-RPC exchange of the official MCP client with the template reference server over
// real stateless HTTP on 127.0.0.1 (port 0), in both protocol eras, so the wire examples of the guides
// are copied from a real run (the session loop is wire.mjs's, the one the docs build uses). Needs the
// packages built (packages/template/dist, packages/core/dist).
//
// Usage: node scripts/docs/capture-wire.mjs > wire.json
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { captureExchanges } from "./wire.mjs";

const root = join(fileURLToPath(import.meta.url), "..", "..", "..");
const requireFromChecks = createRequire(join(root, "packages", "repo-checks", "package.json"));
const load = (name) => import(pathToFileURL(requireFromChecks.resolve(name)).href);

const { serveHttp } = await load("@mcp-verticals/core");
const { createTemplateServer, templateClient, TEMPLATE_EXTENSION_ID, TEMPLATE_SERVER_INFO } = await load("@mcp-verticals/template");
const { Client, StreamableHTTPClientTransport } = await load("@modelcontextprotocol/client");

const template = templateClient({ language: "nb" });

/** One lookup and the gated `stats` method; what the typed client reports is kept next to the exchange. */
async function exercise(client) {
  const bound = template.bind(client);
  const lookup = await client.callTool({ name: "template_lookup_term", arguments: { term: "extension" } });
  let stats;
  try {
    stats = await bound.request("stats", {});
  } catch (error) {
    stats = { error: { code: error.code, message: error.message } };
  }
  return { bindReports: { version: bound.version, settings: bound.settings }, servedLanguage: lookup.structuredContent?.entry?.language, stats };
}

const eras = await captureExchanges({
  modules: { serveHttp, Client, StreamableHTTPClientTransport },
  factory: () => createTemplateServer(),
  identity: { name: TEMPLATE_EXTENSION_ID, title: "Template", version: TEMPLATE_SERVER_INFO.version, description: "Glossary" },
  declaration: template.declaration,
  exercise,
});
process.stdout.write(`${JSON.stringify(eras, null, 2)}\n`);
