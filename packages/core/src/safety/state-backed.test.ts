import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sqliteStateStore } from "../state/sqlite-store.js";
import type { StateStore } from "../state/state-store.js";
import { createAuditTrail } from "./audit-chain.js";
import { stateCheckpointStore } from "./audit-checkpoints.js";
import { runAuditCommand } from "./audit-command.js";
import { verifyAuditChain } from "./audit-verify.js";
import { createIdempotency } from "./idempotency.js";
import { stateAuditSink } from "./state-audit-sink.js";
import { stateIdempotencyBackend } from "./state-idempotency.js";

const directory = mkdtempSync(join(tmpdir(), "state-backed-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;

/** Two "replicas": two independent stores on one SQLite file. */
async function replicas(): Promise<[StateStore, StateStore, () => Promise<void>]> {
  const file = join(directory, `replicas-${++files}.sqlite`);
  const a = await sqliteStateStore({ file });
  const b = await sqliteStateStore({ file });
  return [a, b, async () => void (await Promise.all([a.close(), b.close()]))];
}

const secret = "s".repeat(32);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("stateIdempotencyBackend", () => {
  it("runs an operation exactly once under concurrent retries on two replicas and replays the result", async () => {
    const [a, b, close] = await replicas();
    try {
      const guards = [createIdempotency({ backend: stateIdempotencyBackend(a) }), createIdempotency({ backend: stateIdempotencyBackend(b) })];
      let runs = 0;
      const args = { to: "acct-1", amount: 5 };
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          guards[index % 2]!.run({ scope: "pay:u1", key: "k-1", args }, async () => {
            runs++;
            await sleep(50);
            return { paymentId: `p-${runs}` };
          }),
        ),
      );
      expect(runs).toBe(1);
      expect(new Set(results.map((outcome) => outcome.result.paymentId))).toEqual(new Set(["p-1"]));
      expect(results.filter((outcome) => !outcome.replayed)).toHaveLength(1);
      await expect(guards[1]!.run({ scope: "pay:u1", key: "k-1", args: { ...args, amount: 6 } }, async () => ({ paymentId: "x" }))).rejects.toMatchObject({
        code: "IDEMPOTENCY_CONFLICT",
      });
    } finally {
      await close();
    }
  });

  it("renews the lease while the operation runs, so a retry on another replica waits instead of repeating it", async () => {
    const [a, b, close] = await replicas();
    try {
      const onA = createIdempotency({ backend: stateIdempotencyBackend(a, { leaseMs: 1_000 }) });
      const onB = createIdempotency({ backend: stateIdempotencyBackend(b, { leaseMs: 1_000 }), pendingPollMs: 20 });
      let runs = 0;
      const slow = onA.run({ scope: "s", key: "slow", args: 1 }, async () => {
        runs++;
        // Outlasts the lease twice over: only renewal keeps B from taking the key. A lease of
        // a second leaves room for a loaded machine's late timers.
        await sleep(2_500);
        return "from A";
      });
      await sleep(50);
      const retry = await onB.run({ scope: "s", key: "slow", args: 1 }, async () => {
        runs++;
        return "from B";
      });
      expect(retry).toEqual({ result: "from A", replayed: true });
      expect((await slow).result).toBe("from A");
      expect(runs).toBe(1);
    } finally {
      await close();
    }
  });

  it("lets a retry resume a claim whose worker died once its lease lapses, not after the whole retention", async () => {
    const [a, b, close] = await replicas();
    try {
      // A claims the key and dies: nothing renews or completes the claim.
      const dead = stateIdempotencyBackend(a, { leaseMs: 200 });
      const onB = createIdempotency({ backend: stateIdempotencyBackend(b, { leaseMs: 200 }), pendingPollMs: 20, pendingTimeoutMs: 50 });
      const { digestOf } = await import("./canonical-json.js");
      const args = { n: 1 };
      expect(await dead.begin("s\u0000resumed", digestOf(args), Date.now() + 86_400_000)).toEqual({ state: "new" });
      await expect(onB.run({ scope: "s", key: "resumed", args }, async () => "too early")).rejects.toMatchObject({ code: "IDEMPOTENCY_IN_PROGRESS" });
      await sleep(250);
      expect(await onB.run({ scope: "s", key: "resumed", args }, async ({ resumed }) => (resumed ? "resumed" : "fresh"))).toEqual({ result: "resumed", replayed: false });
      expect(await onB.run({ scope: "s", key: "resumed", args }, async () => "again")).toEqual({ result: "resumed", replayed: true });
      // The dead worker's late completion does not overwrite the stored result.
      await dead.complete("s\u0000resumed", "late");
      expect(await onB.run({ scope: "s", key: "resumed", args }, async () => "again")).toEqual({ result: "resumed", replayed: true });
    } finally {
      await close();
    }
  });

  it("releases the key when the operation fails, so a retry runs", async () => {
    const [a, , close] = await replicas();
    try {
      const guard = createIdempotency({ backend: stateIdempotencyBackend(a) });
      await expect(guard.run({ scope: "s", key: "fails", args: 1 }, async () => Promise.reject(new Error("bank down")))).rejects.toThrow("bank down");
      expect(await guard.run({ scope: "s".repeat(600), key: "fails", args: 1 }, async () => "long scope")).toEqual({ result: "long scope", replayed: false });
      expect(await guard.run({ scope: "s", key: "fails", args: 1 }, async () => "ok")).toEqual({ result: "ok", replayed: false });
    } finally {
      await close();
    }
  });
});

describe("stateAuditSink", () => {
  it("keeps one verifiable, checkpointed chain when two replicas record concurrently", async () => {
    const [a, b, close] = await replicas();
    try {
      const chainKey = "chain-key-kept-outside-the-state-0123";
      const trails = [a, b].map((state) =>
        createAuditTrail({ sink: stateAuditSink(state), key: secret, chainKey, checkpoints: stateCheckpointStore(state, "audit"), checkpointEvery: 7 }),
      );
      await Promise.all(
        Array.from({ length: 40 }, (_, index) =>
          trails[index % 2]!.record({ extension: "io.example/x", binding: "write", outcome: "ok", principal: `user-${index % 3}` }),
        ),
      );
      await Promise.all(trails.map((trail) => trail.close()));
      const lines = await stateAuditSink(b).readAll();
      expect(lines).toHaveLength(40);
      const checkpoints: string[] = [];
      for await (const checkpoint of stateCheckpointStore(a, "audit").readAll()) checkpoints.push(checkpoint);
      expect(verifyAuditChain(lines, { chainKey, checkpoints })).toMatchObject({ ok: true, count: 40, unanchored: 0 });
      expect(verifyAuditChain(lines.slice(0, 38), { chainKey, checkpoints })).toMatchObject({ ok: false, reason: expect.stringContaining("truncated") });
      // The operator command reads the same chain and its checkpoints from the state.
      const out: string[] = [];
      const code = await runAuditCommand({ command: "mcp-test", argv: ["verify"], state: b, env: { MCP_AUDIT_KEY: chainKey }, print: (line) => out.push(line), log: (line) => out.push(line) });
      expect({ code, out: out.join("\n") }).toMatchObject({ code: 0, out: expect.stringContaining("40 records, all anchored") });
      expect(await stateAuditSink(a).readLast()).toBe(lines.at(-1));
      await expect(stateAuditSink(a).append("two\nlines")).rejects.toThrow(TypeError);
    } finally {
      await close();
    }
  });
});
