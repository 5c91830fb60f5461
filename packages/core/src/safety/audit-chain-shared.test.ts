import { describe, expect, it } from "vitest";
import { createAuditTrail } from "./audit-chain.js";
import { memoryAuditSink, type AuditSink } from "./audit-sinks.js";
import { memoryCheckpointStore } from "./audit-checkpoints.js";
import { verifyAuditChain } from "./audit-verify.js";

const key = "shared-audit-key-".repeat(2);

/** A sink shared by several writers, as a database table is shared by replicas. */
function sharedSink(linked: boolean): AuditSink & { lines: string[] } {
  const lines: string[] = [];
  let lock: Promise<unknown> = Promise.resolve();
  const sink: AuditSink & { lines: string[] } = {
    lines,
    append: async (line) => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
      lines.push(line);
    },
    readLast: async () => lines.at(-1),
  };
  if (linked) {
    sink.appendLinked = (compose) => {
      const step = lock.then(async () => {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
        lines.push(compose(lines.at(-1)));
      });
      lock = step.catch(() => undefined);
      return step;
    };
  }
  return sink;
}

describe("an audit chain shared by several processes", () => {
  it("stays one verifiable chain when the sink links appends atomically", async () => {
    const sink = sharedSink(true);
    const checkpoints = memoryCheckpointStore();
    const replicas = [0, 1, 2].map(() => createAuditTrail({ sink, key, checkpoints, checkpointEvery: 7, checkpointIntervalMs: 0 }));
    await Promise.all(
      Array.from({ length: 60 }, (_, index) => replicas[index % 3]!.record({ extension: "com.example/x", binding: `b${index}`, outcome: "ok" })),
    );
    await Promise.all(replicas.map((replica) => replica.close()));
    // Every replica anchors the heads it wrote; together they anchor the whole shared chain.
    expect(verifyAuditChain(sink.lines, { chainKey: key, checkpoints: checkpoints.lines })).toMatchObject({ ok: true, count: 60, unanchored: 0 });
    expect(verifyAuditChain(sink.lines.slice(0, 59), { chainKey: key, checkpoints: checkpoints.lines })).toMatchObject({ ok: false, seq: 59 });
  });

  it("forks without it (why shared sinks must implement appendLinked)", async () => {
    const sink = sharedSink(false);
    const replicas = [createAuditTrail({ sink, key }), createAuditTrail({ sink, key })];
    await Promise.all(Array.from({ length: 20 }, (_, index) => replicas[index % 2]!.record({ extension: "com.example/x", binding: `b${index}`, outcome: "ok" })));
    expect(verifyAuditChain(sink.lines, { chainKey: key }).ok).toBe(false);
  });

  it("still refuses to extend a damaged chain", async () => {
    const sink = sharedSink(true);
    sink.lines.push("{not an audit record");
    await expect(createAuditTrail({ sink, key }).record({ extension: "com.example/x", binding: "b", outcome: "ok" })).rejects.toMatchObject({ code: "AUDIT_TRAIL_CORRUPT" });
    expect(memoryAuditSink().lines).toEqual([]);
  });
});
