import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { callToolWithRetry, postgresAvailable, startPostgresCluster, startReplicas, type PostgresTestCluster, type ReplicaSet, type RetriedToolResult } from "@mcp-verticals/core/testing";
import { toolErrorOf } from "@mcp-verticals/core";
import { EducationStore } from "./backend/store.js";
import { seedIfEmpty } from "./backend/seed.js";
import { serveOneRosterRest, type RunningOneRosterServer } from "./standards/oneroster-rest.js";
import { EDUCATION_EXTENSION_ID } from "./extension.js";

/**
 * Three replicas of the reference server on one PostgreSQL state behind a round-robin proxy. The
 * replicas share their records through one OneRoster 1.2 REST provider (`--oneroster-url`), served
 * by this test from a seeded store, so a score written by one replica is read by the others.
 */
const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const AUDIT_KEY = "education-replicas-audit-chain-key-0123456789";
const OPERATOR = "education-replicas-operator-credential-0123456789";
const CLIENT_ID = "replicas-sis";
const CLIENT_SECRET = "a-client-secret-that-is-long-enough";
const LINE_ITEM = "li-alg1-a-4";
const codeOf = (result: RetriedToolResult): string | undefined => toolErrorOf(result)?.code;

describe.runIf(postgresAvailable())("education: three replicas on one PostgreSQL state and one OneRoster provider, behind a round-robin proxy", () => {
  let cluster: PostgresTestCluster;
  let database: string;
  let records: EducationStore;
  let provider: RunningOneRosterServer;
  let set: ReplicaSet;
  let client: Client;

  const approveOnPage = async (approvalId: string) => {
    const response = await fetch(`${new URL(set.url).origin}/approvals/${approvalId}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Bearer ${OPERATOR}` },
      body: new URLSearchParams({ decision: "approve" }).toString(),
    });
    expect(response.status).toBe(200);
  };

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    database = await cluster.createDatabase("education_replicas");
    records = new EducationStore(":memory:");
    seedIfEmpty(records);
    provider = await serveOneRosterRest(records, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, port: 0 });
    set = await startReplicas(BIN, 3, {
      args: ["--postgres", database, "--oneroster-url", provider.url, "--allow-writes", "post_score"],
      env: { MCP_AUDIT_KEY: AUDIT_KEY, MCP_OPERATOR_TOKEN: OPERATOR, ONEROSTER_CLIENT_ID: CLIENT_ID, ONEROSTER_CLIENT_SECRET: CLIENT_SECRET },
    });
    client = new Client({ name: "education-replicas", version: "0.0.0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } }, capabilities: { extensions: { [EDUCATION_EXTENSION_ID]: {} } } as never });
    await client.connect(new StreamableHTTPClientTransport(new URL(set.url)));
  }, 180_000);
  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await set?.close();
    await provider?.close();
    records?.close?.();
    await cluster?.stop();
  });

  it("pages the roster with cursors that any replica accepts, and every replica names learners by the same pseudonyms", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const result = await callToolWithRetry(client, "edu_list_roster", { classSourcedId: "cls-alg1-a", role: "student", limit: 3, ...(cursor ? { cursor } : {}) });
      expect(result.isError, JSON.stringify(result.structuredContent)).toBeFalsy();
      seen.push(...result.structuredContent.roster.map((entry: { learner: string }) => entry.learner));
      cursor = result.structuredContent.nextCursor;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBeGreaterThan(2);
    expect(new Set(seen).size).toBe(seen.length);
    const again = await callToolWithRetry(client, "edu_list_roster", { classSourcedId: "cls-alg1-a", role: "student", limit: 50 });
    // One replica pages 50 at once: the same learners, under the same pseudonyms, in the same order.
    expect(again.structuredContent.roster.map((entry: { learner: string }) => entry.learner)).toEqual(seen.slice(0, 50));
  }, 60_000);

  it("settles a score approved once exactly once, whichever replica serves it; a replay waits for a new decision", async () => {
    const roster = await callToolWithRetry(client, "edu_list_roster", { classSourcedId: "cls-alg1-a", role: "student", limit: 1 });
    const learner = roster.structuredContent.roster[0].learner as string;
    const args = { lineItemSourcedId: LINE_ITEM, studentSourcedId: learner, scoreGiven: 7, scoreMaximum: 10, comment: "replica race" };
    const pending = await callToolWithRetry(client, "edu_post_score", args);
    expect(codeOf(pending)).toBe("APPROVAL_PENDING");
    await approveOnPage(toolErrorOf(pending)!.data!.approvalId as string);
    const raced = await Promise.all(Array.from({ length: 6 }, () => callToolWithRetry(client, "edu_post_score", args)));
    expect(raced.filter((result) => result.structuredContent?.status === "written")).toHaveLength(1);
    for (const refused of raced.filter((result) => result.isError)) expect(["APPROVAL_ALREADY_USED", "APPROVAL_PENDING"]).toContain(codeOf(refused));
    // The provider holds one active result for that learner and line item, with the approved comment.
    const results = (await records.listResults({ lineItemSourcedId: LINE_ITEM })).filter((result) => result.comment === "replica race");
    expect(results).toHaveLength(1);
    expect(codeOf(await callToolWithRetry(client, "edu_post_score", args))).toBe("APPROVAL_PENDING");
    set.served.forEach((count) => expect(count).toBeGreaterThan(0));
  }, 90_000);

  it("keeps one verifiable audit chain written by all replicas", async () => {
    const verify = spawnSync(process.execPath, [BIN, "audit", "verify", "--log", "audit:education", "--postgres", database], { encoding: "utf8", env: { ...process.env, MCP_AUDIT_KEY: AUDIT_KEY } });
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
  }, 60_000);
});
