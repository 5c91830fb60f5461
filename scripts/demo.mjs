// The demo: starts the template reference server (stdio, then HTTP) and drives it with the
// official MCP client in both protocol eras, printing what was negotiated and a few typed calls.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { z } from "zod";
import { templateClient, TEMPLATE_EXTENSION_ID } from "../packages/template/dist/index.js";
import { financeClient } from "../packages/finance/dist/index.js";
import { toolErrorOf } from "../packages/core/dist/index.js";

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
    say(`  negotiated version ${bound.version}; the client asked for language ${JSON.stringify(template.declaration[TEMPLATE_EXTENSION_ID].language)}`);
  }
  const lookup = await client.callTool({ name: "template_lookup_term", arguments: { term: "extension" } });
  say(`  tools/call template_lookup_term → ${JSON.stringify(lookup.structuredContent)}`);
  // What the server actually served, read from its answer rather than computed by the client.
  // (Over HTTP a 2025 client's initialize declaration rides the signed session id to every later request.)
  const served = lookup.structuredContent?.entry?.language;
  const asked = declare ? template.declaration[TEMPLATE_EXTENSION_ID].language : undefined;
  say(`  served language: ${JSON.stringify(served)}${asked === undefined ? " (no declaration: the default)" : served === asked ? " (as declared)" : " (the fallback: the server did not see the declaration)"}`);
  try {
    const stats = await client.request({ method: `${TEMPLATE_EXTENSION_ID}/stats`, params: {} }, z.looseObject({}));
    say(`  ${TEMPLATE_EXTENSION_ID}/stats → ${JSON.stringify({ entries: stats.entries, version: stats.version })}`);
  } catch (error) {
    say(`  ${TEMPLATE_EXTENSION_ID}/stats → error ${error.code}: ${error.message} ${JSON.stringify(error.data ?? {})}`);
  }
  // Typed errors travel in the result's _meta (never in structuredContent); toolErrorOf reads them.
  const bad = toolErrorOf(await client.callTool({ name: "template_lookup_term", arguments: { term: 42 } }));
  say(`  bad arguments → ${bad ? `${bad.code}${bad.field === undefined ? "" : ` at ${bad.field}`}: ${bad.message}` : "no typed error (unexpected)"}`);
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
// A real vertical: the finance reference server (SQLite demo company), 2026-07-28 era, with a
// client whose "human" approves a payment through the form the server asks for. It serves only
// its `read` toolset by default; payments are turned on with --toolsets.
const financeToolsets = "read,payments";
const finance = financeClient({ approvalUi: ["form"] });
const host = new Client(
  { name: "mcp-verticals-demo", version: "0.1.0" },
  { versionNegotiation: { mode: eras.modern }, capabilities: { elicitation: { form: {} }, extensions: finance.declaration } },
);
const asked = [];
host.setRequestHandler("elicitation/create", async (request) => {
  asked.push(request.params.message);
  return { action: "accept", content: { confirm: true } };
});
await host.connect(new StdioClientTransport({ command: process.execPath, args: [fileURLToPath(new URL("../packages/finance/dist/bin.js", import.meta.url)), "--toolsets", financeToolsets], stderr: "ignore" }));
const bound = finance.bind(host);
say(`\n▶ mcp-finance --toolsets ${financeToolsets} over stdio: era ${host.getProtocolEra()}, negotiated ${finance.extension.id} ${bound.version}`);
say(`  toolsets the server serves: ${JSON.stringify(host.getServerCapabilities()?.extensions?.[finance.extension.id]?.toolsets)}; tools listed: ${(await host.listTools()).tools.length}`);
say(`  settings the server advertised: ${JSON.stringify(bound.serverSettings).slice(0, 300)}…`);
const balances = await bound.callTool("finance_get_balances", { accountId: "acc_operating" });
say(`  finance_get_balances acc_operating → ${JSON.stringify(balances).slice(0, 200)}`);
const trial = await bound.callTool("finance_trial_balance", {});
say(`  finance_trial_balance → ${JSON.stringify(trial).slice(0, 200)}…`);
const run = Date.now().toString(36);
const prepared = await bound.callTool("finance_prepare_payment", {
  idempotencyKey: `demo-prepare-${run}`,
  debtorAccountId: "acc_operating",
  creditor: { counterpartyId: "cp_acme" },
  amount: { amount: "1250.00", currency: "EUR" },
  remittance: "Invoice ACME-2026-118",
});
say(`  finance_prepare_payment → payment ${prepared.payment.id}, status ${prepared.payment.status}`);
const executed = await bound.callTool("finance_execute_payment", { idempotencyKey: `demo-execute-${run}`, paymentId: prepared.payment.id });
say(`  the server asked the human: ${JSON.stringify(asked[0] ?? "(no approval needed)")}`);
say(`  finance_execute_payment → status ${executed.payment.status}`);
const replay = await bound.callTool("finance_execute_payment", { idempotencyKey: `demo-execute-${run}`, paymentId: prepared.payment.id });
say(`  same idempotency key again → replayed ${replay.idempotentReplayed}, still one payment (${replay.payment.status})`);
await host.close();

say("\nDone.");
