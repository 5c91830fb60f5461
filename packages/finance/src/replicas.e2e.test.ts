import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { openStateStore, stateAuditSink, toolErrorOf, verifyAuditChain, type StateStore } from "@mcp-verticals/core";
import { callToolWithRetry as callWithRetry, postgresAvailable, startReplicasOnPostgres, type PostgresReplicaSet } from "@mcp-verticals/core/testing";
import { openFinanceStorage } from "./backend/open-storage.js";
import { FINANCE_AUDIT_LOG } from "./context.js";
import { FINANCE_EXTENSION_ID } from "./extension.js";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
/** The chain key every replica signs with (a test key; the bin reads it from the environment). */
const AUDIT_KEY = "replicas-test-audit-chain-key-0123456789";
type ToolResult = { isError?: boolean; structuredContent?: any; _meta?: unknown };

async function connect(url: string): Promise<Client> {
  const client = new Client(
    { name: "finance-replicas", version: "0.0.0" },
    { capabilities: { extensions: { [FINANCE_EXTENSION_ID]: { approvalUi: ["form"] } } as never }, versionNegotiation: { mode: { pin: "2026-07-28" } } },
  );
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

const entry = (key: string, cents: number) => ({
  idempotencyKey: key,
  date: "2026-11-20",
  description: `replica burst ${key}`,
  postings: [
    { accountId: "acc_operating", amount: { amount: (cents / 100).toFixed(2), currency: "EUR" } },
    { accountId: "acc_suspense", amount: { amount: (-cents / 100).toFixed(2), currency: "EUR" } },
  ],
});

describe.runIf(postgresAvailable())("finance: three replicas on one PostgreSQL database behind a round-robin proxy", () => {
  let set: PostgresReplicaSet;
  let client: Client;
  let state: StateStore;
  const entryCount = async (): Promise<number> => {
    const storage = await openFinanceStorage(set.database, { seed: false });
    try {
      return (await storage.listEntries({}, 0, 1)).total;
    } finally {
      await storage.close();
    }
  };

  beforeAll(async () => {
    // All three start at once on an empty database: the schema and the seed happen exactly once.
    // The ledger is on it (`--database`), and the state store beside the ledger in the same database.
    set = await startReplicasOnPostgres(BIN, 3, {
      database: "finance_replicas",
      databaseFlag: "--database",
      args: ["--toolsets", "read,bookkeeping", "--idempotency-lease", "2"],
      env: { MCP_AUDIT_KEY: AUDIT_KEY },
    });
    client = await connect(set.url);
    state = await openStateStore({ url: set.database });
  }, 120_000);
  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await state?.close();
    await set?.close();
  });

  it("runs an idempotent write exactly once under 50 concurrent retries spread over the replicas", async () => {
    const before = await entryCount();
    const served = [...set.served];
    const results = await Promise.all(Array.from({ length: 50 }, () => callWithRetry(client, "finance_post_entry", entry("fifty-retries", 1234))));
    expect(results.filter((result) => result.isError)).toEqual([]);
    expect(new Set(results.map((result) => result.structuredContent.transaction.id)).size).toBe(1);
    expect(results.filter((result) => result.structuredContent.idempotentReplayed === false)).toHaveLength(1);
    expect(await entryCount()).toBe(before + 1);
    // The proxy really spread them: every replica served some of the 50.
    set.served.forEach((count, index) => expect(count).toBeGreaterThan(served[index]!));
  }, 90_000);

  it("pages with cursors that any replica accepts", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let total = 0;
    let pages = 0;
    do {
      const result = (await client.callTool({ name: "finance_list_transactions", arguments: { limit: 7, ...(cursor ? { cursor } : {}) } })) as ToolResult;
      expect(result.isError).toBeFalsy();
      seen.push(...result.structuredContent.transactions.map((transaction: { id: string }) => transaction.id));
      total = result.structuredContent.total;
      cursor = result.structuredContent.nextCursor;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBeGreaterThan(3);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  }, 60_000);

  it("loses and doubles nothing when a replica is killed with SIGKILL in the middle of a write burst", async () => {
    const before = await entryCount();
    const keys = Array.from({ length: 60 }, (_, index) => `burst-key-${index}`);
    let completed = 0;
    let killed: Promise<void> | undefined;
    const burst = keys.map(async (key, index) => {
      const result = await callWithRetry(client, "finance_post_entry", entry(key, 100 + index));
      if (++completed === 15) killed = set.replicas[1]!.kill("SIGKILL");
      return result;
    });
    const results = await Promise.all(burst);
    await killed;
    expect(set.replicas[1]!.child.signalCode).toBe("SIGKILL");
    expect(results.filter((result) => result.isError).map((result) => JSON.stringify(toolErrorOf(result) ?? result))).toEqual([]);
    const ids = results.map((result) => result.structuredContent.transaction.id as string);
    expect(new Set(ids).size).toBe(60);
    expect(await entryCount()).toBe(before + 60);
    // Every key now replays the one entry it booked, on whichever replica answers.
    const replays = await Promise.all(keys.map((key, index) => callWithRetry(client, "finance_post_entry", entry(key, 100 + index))));
    expect(replays.map((result) => result.structuredContent.transaction.id)).toEqual(ids);
    expect(replays.every((result) => result.structuredContent.idempotentReplayed === true)).toBe(true);
  }, 120_000);

  it("keeps one verifiable audit chain written by all replicas", async () => {
    const lines = await stateAuditSink(state, FINANCE_AUDIT_LOG).readAll();
    expect(lines.length).toBeGreaterThan(60);
    expect(verifyAuditChain(lines, { chainKey: AUDIT_KEY })).toMatchObject({ ok: true, count: lines.length });
    const read = await client.readResource({ uri: "finance://audit" });
    const tail = (read.contents[0] as { text: string }).text.split("\n").filter(Boolean);
    expect(tail.length).toBeGreaterThan(10);
    expect(await stateAuditSink(state, FINANCE_AUDIT_LOG).readAll()).toEqual(expect.arrayContaining(tail));
  }, 60_000);
});
