// The demo: starts the template reference server (stdio, then HTTP) and drives it with the
// official MCP client in both protocol eras, printing what was negotiated and a few typed calls.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { z } from "zod";
import { templateClient, TEMPLATE_EXTENSION_ID } from "../packages/template/dist/index.js";

const bin = fileURLToPath(new URL("../packages/template/dist/bin.js", import.meta.url));
const eras = { legacy: "legacy", modern: { pin: "2026-07-28" } };
const say = (line = "") => process.stdout.write(`${line}\n`);

async function session(label, era, connect, declare) {
  const template = templateClient({ language: "nb" });
  const client = new Client(
    { name: "mcp-verticals-demo", version: "0.1.0" },
    { versionNegotiation: { mode: eras[era] }, capabilities: declare ? { extensions: template.declaration } : {} },
  );
  await connect(client);
  say(`\n▶ ${label}: era ${client.getProtocolEra()}, client ${declare ? "declares" : "does not declare"} ${TEMPLATE_EXTENSION_ID}`);
  say(`  server advertises: ${JSON.stringify(client.getServerCapabilities()?.extensions?.[TEMPLATE_EXTENSION_ID])}`);
  if (declare) {
    const bound = template.bind(client);
    say(`  negotiated version ${bound.version}, effective settings ${JSON.stringify(bound.settings)}`);
    if (era === "legacy" && label.startsWith("HTTP")) {
      say("  (a 2025 client over stateless HTTP declares only in initialize, which later requests cannot see: the server serves the fallback)");
    }
  }
  const lookup = await client.callTool({ name: "template_lookup_term", arguments: { term: "extension" } });
  say(`  tools/call template_lookup_term → ${JSON.stringify(lookup.structuredContent)}`);
  try {
    const stats = await client.request({ method: `${TEMPLATE_EXTENSION_ID}/stats`, params: {} }, z.looseObject({}));
    say(`  ${TEMPLATE_EXTENSION_ID}/stats → ${JSON.stringify({ entries: stats.entries, version: stats.version })}`);
  } catch (error) {
    say(`  ${TEMPLATE_EXTENSION_ID}/stats → error ${error.code}: ${error.message} ${JSON.stringify(error.data ?? {})}`);
  }
  const bad = await client.callTool({ name: "template_lookup_term", arguments: { term: 42 } });
  say(`  bad arguments → ${JSON.stringify(bad.structuredContent)}`);
  await client.close();
}

say("mcp-verticals demo: the template reference server driven by the official MCP client");
for (const era of ["legacy", "modern"]) {
  for (const declare of [true, false]) {
    await session("stdio", era, (client) => client.connect(new StdioClientTransport({ command: process.execPath, args: [bin], stderr: "ignore" })), declare);
  }
}

const server = spawn(process.execPath, [bin, "--http", "0"], { stdio: ["ignore", "ignore", "pipe"] });
const url = await new Promise((resolve, reject) => {
  let seen = "";
  server.stderr.on("data", (chunk) => {
    seen += chunk;
    const match = /listening on (\S+)/.exec(seen);
    if (match) resolve(match[1]);
  });
  server.once("exit", (code) => reject(new Error(`server exited with ${code}: ${seen}`)));
});
try {
  for (const era of ["modern", "legacy"]) {
    await session(`HTTP ${url}`, era, (client) => client.connect(new StreamableHTTPClientTransport(new URL(url))), true);
  }
  const card = await (await fetch(`${url}/server-card`)).json();
  say(`\n▶ server card ${url}/server-card: ${card.name} ${card.version}, extensions ${Object.keys(card._meta["io.github.mcp-verticals/extensions"]).join(", ")}`);
} finally {
  server.kill("SIGTERM");
}
say("\nDone.");
