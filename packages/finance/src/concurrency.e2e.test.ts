import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { openStateStore, stateAuditSink, toolErrorOf, verifyAuditChain } from "@mcp-verticals/core";
import { startHttpBin, type HttpBin } from "@mcp-verticals/core/testing";
import { openFinanceStorage } from "./backend/open-storage.js";
import { FINANCE_AUDIT_LOG } from "./context.js";
import { FINANCE_EXTENSION_ID } from "./extension.js";
import { postgresAvailable, startTestCluster, type TestCluster } from "./__fixtures__/postgres-cluster.js";

async function modernClient(url: string): Promise<Client> {
  const client = new Client(
    { name: "finance-concurrency", version: "0.0.0" },
    { capabilities: { extensions: { [FINANCE_EXTENSION_ID]: { approvalUi: ["form"] } } as never }, versionNegotiation: { mode: { pin: "2026-07-28" } } },
  );
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
/** The one chain key every replica signs with (as a deployment hands it to each). */
const AUDIT_KEY = "concurrency-test-audit-chain-key-0123456789";

describe.runIf(postgresAvailable())("concurrency on PostgreSQL with several server processes", () => {
  let cluster: TestCluster;
  let database: string;
  const servers: HttpBin[] = [];
  beforeAll(async () => {
    cluster = await startTestCluster();
    database = await cluster.createDatabase("concurrency");
    await (await openFinanceStorage(database)).close();
    servers.push(...(await Promise.all([0, 1, 2].map(() => startHttpBin(BIN, { args: ["--toolsets", "read,payments", "--database", database], env: { MCP_AUDIT_KEY: AUDIT_KEY } })))));
  }, 90_000);
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.kill()));
    await cluster?.stop();
  });

  it("50 concurrent finance_execute_payment calls with one idempotency key produce exactly one payment", async () => {
    const clients = await Promise.all(servers.map((server) => modernClient(server.url)));
    const prepared = (await clients[0]!.callTool({
      name: "finance_prepare_payment",
      arguments: { idempotencyKey: "concurrency-prepare", debtorAccountId: "acc_operating", creditor: { counterpartyId: "cp_acme" }, amount: { amount: "77.77", currency: "EUR" } },
    })) as { structuredContent: any };
    // Below the auto-approval threshold to an allowlisted payee: this test is about idempotency across processes.
    const { payment } = prepared.structuredContent;
    const before = await openFinanceStorage(database, { seed: false });
    const entriesBefore = (await before.listEntries({}, 0, 1)).total;
    await before.close();

    const calls = Array.from({ length: 50 }, (_, index) =>
      clients[index % clients.length]!.callTool({
        name: "finance_execute_payment",
        arguments: { idempotencyKey: "concurrency-execute", paymentId: payment.id },
      }),
    );
    const results = (await Promise.all(calls)) as Array<{ isError?: boolean; structuredContent: any }>;
    const errors = results.filter((result) => result.isError).map((result) => toolErrorOf(result)!.code);
    expect(errors).toEqual([]);
    const transactionIds = new Set(results.map((result) => result.structuredContent.payment.transactionId));
    expect(transactionIds.size).toBe(1);
    expect(results.filter((result) => result.structuredContent.idempotentReplayed === false)).toHaveLength(1);

    const after = await openFinanceStorage(database, { seed: false });
    try {
      expect((await after.listEntries({}, 0, 1)).total).toBe(entriesBefore + 1);
      expect((await after.getPayment(payment.id))?.status).toBe("settled");
      expect(await after.executedTotal("EUR", new Date().toISOString().slice(0, 10))).toBe(7777n);
      // Three processes audited into one log of the shared state (the same database): one chain, not three forks.
      const state = await openStateStore({ url: database });
      const items = await stateAuditSink(state, FINANCE_AUDIT_LOG).readAll();
      await state.close();
      expect(items.length).toBeGreaterThan(50);
      expect(verifyAuditChain(items, { chainKey: AUDIT_KEY })).toMatchObject({ ok: true, count: items.length });
    } finally {
      await after.close();
    }
    await Promise.all(clients.map((client) => client.close()));
  }, 90_000);
});
