import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import {
  approvalPageUrl,
  callToolWithRetry,
  connectHttp,
  decideOnApprovalPage,
  lockTable,
  postgresAvailable,
  startReplicasOnPostgres,
  type PostgresReplicaSet,
  type RetriedToolResult,
} from "@mcp-verticals/core/testing";
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
  let records: EducationStore;
  let provider: RunningOneRosterServer;
  let set: PostgresReplicaSet;
  let client: Client;

  /** The operator's decision on the approval page, reached through the balancer (any replica serves it). */
  const approveOnPage = async (approvalId: string) => {
    expect((await decideOnApprovalPage(approvalPageUrl(set.url, approvalId), "approve", { operatorToken: OPERATOR, credentialIn: "bearer" })).status).toBe(200);
  };

  beforeAll(async () => {
    records = new EducationStore(":memory:");
    seedIfEmpty(records);
    provider = await serveOneRosterRest(records, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, port: 0 });
    set = await startReplicasOnPostgres(BIN, 3, {
      database: "education_replicas",
      // A keyed write's claim lapses 2 s after its replica died, so a retry elsewhere takes it over.
      args: ["--oneroster-url", provider.url, "--allow-writes", "post_score", "--idempotency-lease", "2", "--toolsets", "all"],
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

  /** A pseudonym per student of the class, in roster order. */
  const learners = async (count: number): Promise<string[]> => {
    const roster = await callToolWithRetry(client, "edu_list_roster", { classSourcedId: "cls-alg1-a", role: "student", limit: count });
    return roster.structuredContent.roster.map((entry: { learner: string }) => entry.learner);
  };
  /** Opens the write's approval (a plain call answers APPROVAL_PENDING) and has the operator approve it on the page. */
  const approveWrite = async (args: Record<string, unknown>) => {
    const pending = await callToolWithRetry(client, "edu_post_score", args);
    expect(codeOf(pending), JSON.stringify(pending.structuredContent ?? pending.content)).toBe("APPROVAL_PENDING");
    await approveOnPage(toolErrorOf(pending)!.data!.approvalId as string);
  };
  const activeWith = async (lineItemSourcedId: string, comment: string) => (await records.listResults({ lineItemSourcedId })).filter((result) => result.status === "active" && result.comment === comment);

  it("runs a keyed score write exactly once under 50 concurrent retries spread over the replicas", async () => {
    const [, learner] = await learners(2);
    const args = { lineItemSourcedId: "li-alg1-a-3", studentSourcedId: learner!, scoreGiven: 6, scoreMaximum: 10, comment: "fifty retries", idempotencyKey: "edu-fifty-retries-0001" };
    await approveWrite(args);
    const served = [...set.served];
    const results = await Promise.all(Array.from({ length: 50 }, () => callToolWithRetry(client, "edu_post_score", args)));
    expect(results.filter((result) => result.isError).map((result) => JSON.stringify(toolErrorOf(result)))).toEqual([]);
    expect(results.every((result) => result.structuredContent.status === "written")).toBe(true);
    expect(results.filter((result) => result.structuredContent.idempotentReplayed === false)).toHaveLength(1);
    expect(new Set(results.map((result) => result.structuredContent.result.score)).size).toBe(1);
    expect(await activeWith("li-alg1-a-3", "fifty retries")).toHaveLength(1);
    // The same key with another score is refused, on whichever replica answers.
    expect(codeOf(await callToolWithRetry(client, "edu_post_score", { ...args, scoreGiven: 7 }))).toBe("IDEMPOTENCY_CONFLICT");
    set.served.forEach((count, index) => expect(count).toBeGreaterThan(served[index]!));
  }, 120_000);

  it("serves a 2025-era client that declared the extension on any replica, with its session signed by one", async () => {
    const declared = await connectHttp(set.url, { era: "legacy", tasks: false, extensions: { [EDUCATION_EXTENSION_ID]: {} } });
    const plain = await connectHttp(set.url, { era: "legacy", tasks: false });
    try {
      const served = [...set.served];
      const me = new Set<string>();
      for (let round = 0; round < 6; round++) {
        const mine = (await declared.client.callTool({ name: "edu_whoami", arguments: {} })) as RetriedToolResult;
        expect(mine.isError, JSON.stringify(mine.content)).toBeFalsy();
        expect(mine.structuredContent.whoami).toMatchObject({ negotiated: true, actingRole: "teacher" });
        me.add(mine.structuredContent.whoami.me);
        const theirs = (await plain.client.callTool({ name: "edu_whoami", arguments: {} })) as RetriedToolResult;
        expect(theirs.structuredContent.whoami).toMatchObject({ negotiated: false });
      }
      // One pseudonym for the caller, whichever replica computed it.
      expect(me.size).toBe(1);
      const listed = await declared.client.callTool({ name: "edu_list_roster", arguments: { classSourcedId: "cls-alg1-a", role: "student", limit: 2 } });
      expect((listed.structuredContent as { roster: unknown[] }).roster).toHaveLength(2);
      // Round robin: every replica answered some of these requests.
      set.served.forEach((count, index) => expect(count).toBeGreaterThan(served[index]!));
    } finally {
      await declared.close();
      await plain.close();
    }
  }, 60_000);

  it("a keyed write whose replica died after writing is finished by a retry on another replica, not written again", async () => {
    const [, , learner] = await learners(3);
    const args = { lineItemSourcedId: "li-alg1-a-3", studentSourcedId: learner!, scoreGiven: 4, scoreMaximum: 10, comment: "died after writing", idempotencyKey: "edu-died-after-write-0001" };
    await approveWrite(args);
    const victim = set.replicas[2]!;
    const direct = await connectHttp(victim.url, { era: "modern", tasks: false, extensions: { [EDUCATION_EXTENSION_ID]: {} } });
    // SHARE on the audit log: the replica writes the score, then stops at its audit append, before the key records the outcome.
    const lock = await lockTable(set.database, "mcp_state_logs", { mode: "SHARE" });
    try {
      const inFlight = direct.client.callTool({ name: "edu_post_score", arguments: args }).catch(() => undefined);
      const deadline = Date.now() + 30_000;
      while ((await activeWith("li-alg1-a-3", "died after writing")).length === 0) {
        if (Date.now() > deadline) throw new Error("the score never reached the gradebook");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await lock.waitForWaiter({ query: /mcp_state_logs/ });
      await victim.kill("SIGKILL");
      await inFlight;
    } finally {
      await lock.release();
      await direct.close().catch(() => undefined);
    }
    // The retry waits for the dead replica's claim to lapse, resumes it, finds the score and reports it: no new approval, no second write.
    const retried = await callToolWithRetry(client, "edu_post_score", args, { attempts: 200 });
    expect(retried.isError, JSON.stringify(toolErrorOf(retried))).toBeFalsy();
    expect(retried.structuredContent).toMatchObject({ status: "written", idempotentReplayed: false, result: { score: expect.any(Number) } });
    expect(retried.structuredContent.approvalId).toBeUndefined();
    expect(await activeWith("li-alg1-a-3", "died after writing")).toHaveLength(1);
    expect((await callToolWithRetry(client, "edu_post_score", args)).structuredContent).toMatchObject({ idempotentReplayed: true });
  }, 120_000);

  it("loses and doubles nothing when a replica is killed with SIGKILL in the middle of a write burst", async () => {
    const pupils = await learners(12);
    const writes = pupils.flatMap((learner, index) =>
      ["li-alg1-a-1", "li-alg1-a-2"].map((lineItemSourcedId, item) => ({
        lineItemSourcedId,
        studentSourcedId: learner,
        scoreGiven: (index + item) % 10,
        scoreMaximum: 10,
        comment: `burst ${index}-${item}`,
        idempotencyKey: `edu-burst-${index}-${item}`,
      })),
    );
    for (const args of writes) await approveWrite(args);
    let completed = 0;
    let killed: Promise<void> | undefined;
    const results = await Promise.all(
      writes.map(async (args) => {
        let result = await callToolWithRetry(client, "edu_post_score", args, { attempts: 200 });
        if (++completed === 8) killed = set.replicas[1]!.kill("SIGKILL");
        // The killed replica may have spent the approval before writing: nothing was written, and a human decides again.
        if (codeOf(result) === "APPROVAL_PENDING") {
          await approveOnPage(toolErrorOf(result)!.data!.approvalId as string);
          result = await callToolWithRetry(client, "edu_post_score", args, { attempts: 200 });
        }
        return result;
      }),
    );
    await killed;
    expect(set.replicas[1]!.child.signalCode).toBe("SIGKILL");
    expect(results.filter((result) => result.isError).map((result) => JSON.stringify(toolErrorOf(result)))).toEqual([]);
    // Every write is in the gradebook exactly once.
    for (const args of writes) expect(await activeWith(args.lineItemSourcedId, args.comment), args.comment).toHaveLength(1);
    // Every key now replays its one write, on whichever replica answers.
    const replays = await Promise.all(writes.map((args) => callToolWithRetry(client, "edu_post_score", args)));
    expect(replays.every((result) => result.structuredContent?.idempotentReplayed === true)).toBe(true);
    expect(replays.map((result) => result.structuredContent.result.score)).toEqual(results.map((result) => result.structuredContent.result.score));
  }, 180_000);

  it("keeps one verifiable audit chain written by all replicas", async () => {
    const verify = spawnSync(process.execPath, [BIN, "audit", "verify", "--log", "audit:education", "--postgres", set.database], { encoding: "utf8", env: { ...process.env, MCP_AUDIT_KEY: AUDIT_KEY } });
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
  }, 60_000);
});
