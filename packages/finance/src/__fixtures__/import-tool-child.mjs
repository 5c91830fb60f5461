// Child process for the import crash test: runs finance_import_statement through a real MCP client
// and server on the given database with a short idempotency lease, and says when the call starts,
// so the parent can SIGKILL it while the claim is in flight.
import { connectInProcess } from "@mcp-verticals/core/testing";
import { createFinanceRuntime, FINANCE_EXTENSION_ID } from "../../dist/index.js";

const [database, countText, key] = process.argv.slice(2);
const lines = Array.from({ length: Number(countText) }, (_, index) => `2026-11-10,${(index % 997) + 1}.00,crash import ${index},TOOL-CRASH-${index}`);
const content = `d,a,t,r\n${lines.join("\n")}\n`;
const runtime = await createFinanceRuntime({ database, settings: { idempotency: { leaseSeconds: 2 } }, toolsets: ["read", "import"] });
const connection = await connectInProcess(() => runtime.createServer(), { era: "legacy", extensions: { [FINANCE_EXTENSION_ID]: {} } });
process.stdout.write("importing\n");
const result = await connection.client.callTool({
  name: "finance_import_statement",
  arguments: { idempotencyKey: key, format: "csv", accountId: "acc_operating", content, csvMapping: { date: "d", amount: "a", description: "t", reference: "r" }, dryRun: false },
});
process.stdout.write(`done ${JSON.stringify(result.structuredContent).slice(0, 200)}\n`);
await connection.close();
await runtime.close();
