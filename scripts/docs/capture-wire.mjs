#!/usr/bin/env node
// Records the JSON-RPC exchange of the official MCP client with the template reference server over
// real stateless HTTP on 127.0.0.1 (port 0), in both protocol eras, so the wire examples of the guides
// are copied from a real run. Needs the packages built (packages/template/dist, packages/core/dist).
//
// Usage: node scripts/docs/capture-wire.mjs > wire.json
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { recordingFetch } from "./wire.mjs";

const root = join(fileURLToPath(import.meta.url), "..", "..", "..");
const requireFromChecks = createRequire(join(root, "packages", "repo-checks", "package.json"));
const load = (name) => import(pathToFileURL(requireFromChecks.resolve(name)).href);

const { serveHttp } = await load("@mcp-verticals/core");
const { createTemplateServer, templateClient, TEMPLATE_EXTENSION_ID, TEMPLATE_SERVER_INFO } = await load("@mcp-verticals/template");
const { Client, StreamableHTTPClientTransport } = await load("@modelcontextprotocol/client");

async function session(url, mode) {
  const log = [];
  const template = templateClient({ language: "nb" });
  const client = new Client(
    { name: "wire-capture", version: "1.0.0" },
    { capabilities: { extensions: template.declaration }, versionNegotiation: { mode } },
  );
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: recordingFetch(log) }));
  const bound = template.bind(client);
  const lookup = await client.callTool({ name: "template_lookup_term", arguments: { term: "extension" } });
  let stats;
  try {
    stats = await bound.request("stats", {});
  } catch (error) {
    stats = { error: { code: error.code, message: error.message } };
  }
  await client.close();
  return {
    protocolVersion: client.getNegotiatedProtocolVersion?.(),
    bindReports: { version: bound.version, settings: bound.settings },
    servedLanguage: lookup.structuredContent?.entry?.language,
    stats,
    exchange: log,
  };
}

const running = await serveHttp(() => createTemplateServer(), {
  port: 0,
  identity: { name: TEMPLATE_EXTENSION_ID, title: "Template", version: TEMPLATE_SERVER_INFO.version, description: "Glossary" },
});
try {
  const eras = {
    "2025": await session(running.url, "legacy"),
    "2026-07-28": await session(running.url, { pin: "2026-07-28" }),
  };
  process.stdout.write(`${JSON.stringify(eras, null, 2)}\n`);
} finally {
  await running.close();
}
