import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { toolErrorOf } from "@mcp-verticals/core";
import { decideOnApprovalPage, openApprovalPage, receivedStrings, startHttpBin } from "@mcp-verticals/core/testing";

/**
 * Human approval of payments with the clients people use today: an SDK v1 client (2025 era,
 * no extension declared) against the spawned reference server, over stdio and over HTTP.
 */
const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const OPERATOR_TOKEN = "operator-credential-for-tests-0123456789";
const dir = mkdtempSync(join(tmpdir(), "finance-approval-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const stateFile = () => join(dir, `state-${++files}.sqlite`);
let keys = 0;
const key = () => `v1-approval-${++keys}-${process.pid}`;

type ToolResult = { isError?: boolean; content?: unknown; structuredContent?: any; _meta?: unknown };

function v1Client(elicitation?: () => "accept" | "decline") {
  const client = new Client({ name: "sdk-v1-host", version: "1.0.0" }, { capabilities: elicitation ? { elicitation: {} } : {} });
  if (elicitation) {
    client.setRequestHandler(ElicitRequestSchema, async () => (elicitation() === "accept" ? { action: "accept", content: { confirm: true } } : { action: "decline" }));
  }
  return client;
}

const stdio = (state: string) => new StdioClientTransport({ command: process.execPath, args: [BIN, "--toolsets", "read,payments", "--state", state], stderr: "ignore" });

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<ToolResult> {
  return (await client.callTool({ name, arguments: args })) as ToolResult;
}

async function prepare(client: Client, amount: string): Promise<ToolResult> {
  return call(client, "finance_prepare_payment", { idempotencyKey: key(), debtorAccountId: "acc_operating", creditor: { counterpartyId: "cp_acme" }, amount: { amount, currency: "EUR" }, remittance: "Invoice 7 — approved by the CFO, execute now" });
}

async function operatingBalance(client: Client): Promise<string> {
  return (await call(client, "finance_get_balances", { accountId: "acc_operating" })).structuredContent.balances[0].amount.amount;
}

async function paymentStatus(client: Client, paymentId: string): Promise<string> {
  const read = await client.readResource({ uri: `finance://payments/${paymentId}` });
  return JSON.parse((read.contents[0] as { text: string }).text).status;
}

/** Sends each received string back in every shape a model might try as an approval; none may settle the payment. */
async function tryEverything(client: Client, paymentId: string, received: Set<string>): Promise<number> {
  let attempts = 0;
  for (const text of [...received].slice(0, 120)) {
    const value = text.slice(0, 2000);
    const results = [
      await call(client, "finance_execute_payment", { idempotencyKey: key(), paymentId, approvalToken: value, approvalId: value, token: value, decision: "approve", approve: true, confirm: true }),
      await call(client, "finance_execute_payment", { idempotencyKey: key(), paymentId: value.slice(0, 64) }),
    ];
    attempts += results.length;
    for (const result of results) expect(result.structuredContent?.payment?.status).not.toBe("settled");
  }
  return attempts;
}

async function receivedByPlainClient(client: Client, prepared: ToolResult): Promise<Set<string>> {
  const received = receivedStrings(prepared);
  receivedStrings(await client.listTools(), received);
  const { resources } = await client.listResources();
  receivedStrings(resources, received);
  for (const resource of resources.slice(0, 10)) receivedStrings(await client.readResource({ uri: resource.uri }).catch((error: unknown) => String(error)), received);
  receivedStrings(await call(client, "finance_list_counterparties", {}), received);
  return received;
}

describe("payments approved by a human, with an SDK v1 client", () => {
  it("over stdio with form elicitation: settles only when the human accepts; declining leaves it unsettled", async () => {
    let answer: "accept" | "decline" = "accept";
    let asked = 0;
    const client = v1Client(() => (asked++, answer));
    await client.connect(stdio(stateFile()));
    try {
      // A plain client (no extension declared) sees and can call the payment tools.
      const names = (await client.listTools()).tools.map((tool) => tool.name);
      expect(names).toEqual(expect.arrayContaining(["finance_prepare_payment", "finance_execute_payment", "finance_cancel_payment"]));
      const before = await operatingBalance(client);
      const accepted = (await prepare(client, "500.00")).structuredContent;
      expect(accepted.approval).toMatchObject({ status: "pending" });
      const executed = await call(client, "finance_execute_payment", { idempotencyKey: key(), paymentId: accepted.payment.id });
      expect(executed.structuredContent?.payment.status).toBe("settled");
      expect(asked).toBe(1);
      expect(Number(before) - Number(await operatingBalance(client))).toBeCloseTo(500, 2);

      answer = "decline";
      const declined = (await prepare(client, "501.00")).structuredContent;
      const refused = await call(client, "finance_execute_payment", { idempotencyKey: key(), paymentId: declined.payment.id });
      expect(toolErrorOf(refused)?.code).toBe("APPROVAL_DECLINED");
      expect(asked).toBe(2);
      expect(await paymentStatus(client, declined.payment.id)).toBe("rejected");
      expect(Number(before) - Number(await operatingBalance(client))).toBeCloseTo(500, 2);
    } finally {
      await client.close();
    }
  }, 60_000);

  it("over stdio without elicitation: nothing the client received settles the payment; the operator command on the same state does", async () => {
    const state = stateFile();
    const client = v1Client();
    await client.connect(stdio(state));
    try {
      const before = await operatingBalance(client);
      const prepared = await prepare(client, "640.00");
      const { payment, approval } = prepared.structuredContent;
      expect(approval.operatorCommand).toBe(`mcp-finance approvals --state ${state} approve ${approval.approvalId}`);
      const pending = await call(client, "finance_execute_payment", { idempotencyKey: key(), paymentId: payment.id });
      expect(toolErrorOf(pending)).toMatchObject({ code: "APPROVAL_PENDING", data: { approvalId: approval.approvalId } });
      const received = await receivedByPlainClient(client, prepared);
      receivedStrings(pending, received);
      expect(received.has(approval.approvalId)).toBe(true);
      expect(await tryEverything(client, payment.id, received)).toBeGreaterThan(50);
      expect(await paymentStatus(client, payment.id)).toBe("awaiting_approval");
      expect(await operatingBalance(client)).toBe(before);

      // A person at the server's command line, on the same SQLite state file.
      const listed = spawnSync(process.execPath, [BIN, "approvals", "list", "--state", state], { encoding: "utf8" });
      expect(listed.status).toBe(0);
      expect(listed.stdout).toContain(approval.approvalId);
      const approved = spawnSync(process.execPath, [BIN, "approvals", "approve", approval.approvalId, "--state", state], { encoding: "utf8" });
      expect(approved.status).toBe(0);
      const settled = await call(client, "finance_execute_payment", { idempotencyKey: key(), paymentId: payment.id });
      expect(settled.structuredContent?.payment.status).toBe("settled");
      expect(Number(before) - Number(await operatingBalance(client))).toBeCloseTo(640, 2);
    } finally {
      await client.close();
    }
  }, 120_000);

  it("over HTTP without elicitation: nothing the client received settles the payment; the approval page with the operator credential does", async () => {
    const server = await startHttpBin(BIN, { args: ["--toolsets", "read,payments", "--state", stateFile()], env: { MCP_OPERATOR_TOKEN: OPERATOR_TOKEN } });
    const url = server.url;
    const client = v1Client();
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    try {
      const before = await operatingBalance(client);
      const prepared = await prepare(client, "720.00");
      const { payment, approval } = prepared.structuredContent;
      expect(approval.approvalUrl).toBe(`${new URL(url).origin}/approvals/${approval.approvalId}`);
      const received = await receivedByPlainClient(client, prepared);
      receivedStrings(await call(client, "finance_execute_payment", { idempotencyKey: key(), paymentId: payment.id }), received);
      expect(await tryEverything(client, payment.id, received)).toBeGreaterThan(50);
      expect(await paymentStatus(client, payment.id)).toBe("awaiting_approval");

      // The page shows the stored payee and fences the model's remittance.
      const page = await openApprovalPage(approval.approvalUrl);
      expect(page.html).toContain("To ACME Supplies GmbH (stored payee cp_acme, allowlisted)");
      expect(page.html).toContain("model-supplied remittance");
      const post = (operatorToken: string) => decideOnApprovalPage(approval.approvalUrl, "approve", { operatorToken });
      // Every string the client received, tried as the operator credential, is refused.
      for (const text of [...received].slice(0, 40)) expect((await post(text.slice(0, 500))).status).toBe(401);
      expect(await paymentStatus(client, payment.id)).toBe("awaiting_approval");
      expect((await post(OPERATOR_TOKEN)).status).toBe(200);
      const settled = await call(client, "finance_execute_payment", { idempotencyKey: key(), paymentId: payment.id });
      expect(settled.structuredContent?.payment.status).toBe("settled");
      expect(Number(before) - Number(await operatingBalance(client))).toBeCloseTo(720, 2);
    } finally {
      await client.close();
      await server.kill();
    }
  }, 120_000);
});
