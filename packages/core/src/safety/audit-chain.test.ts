import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GENESIS_HASH, type AuditEntryInput } from "./audit-records.js";
import { createAuditTrail } from "./audit-chain.js";
import { fileAuditSink, memoryAuditSink, type AuditSink } from "./audit-sinks.js";
import { fileCheckpointStore, memoryCheckpointStore } from "./audit-checkpoints.js";
import { verifyAuditChain, verifyAuditFile } from "./audit-verify.js";
import { keyedId } from "./canonical-json.js";
import { isExtensionError } from "../errors.js";

const KEY = "audit-key-for-tests-0123456789abcdef";
const CHAIN_KEY = "chain-key-kept-apart-from-the-log-0123";
const chain = { chainKey: CHAIN_KEY };
const PRINCIPAL = "dr.jane.doe@clinic.example";
const SUBJECT = "patient-MRN-0042";

function fixedClock(): () => Date {
  let tick = 0;
  return () => new Date(Date.UTC(2025, 0, 1, 0, 0, tick++));
}

function entry(index: number): AuditEntryInput {
  return {
    extension: "io.example/health",
    binding: "prescriptions.renew",
    outcome: index % 3 === 0 ? "ok" : index % 3 === 1 ? "denied" : "error",
    principal: PRINCIPAL,
    subjects: [SUBJECT],
    ...(index % 3 === 0 ? {} : { code: "APPROVAL_EXPIRED" }),
    detail: { index, replayed: false, note: null },
  };
}

let dir: string;
let path: string;
const openSinks: Array<{ close(): Promise<void> }> = [];

function openSink(): AuditSink {
  const sink = fileAuditSink(path);
  openSinks.push(sink);
  return sink;
}

async function fileLines(): Promise<string[]> {
  return (await readFile(path, "utf8")).split("\n").filter((line) => line !== "");
}

async function writeTrail(count: number): Promise<void> {
  const trail = createAuditTrail({ sink: openSink(), key: KEY, chainKey: CHAIN_KEY, checkpoints: fileCheckpointStore(`${path}.checkpoints`), now: fixedClock() });
  for (let index = 0; index < count; index++) await trail.record(entry(index));
  await trail.close();
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "audit-trail-"));
  path = join(dir, "nested", "audit.jsonl");
});

afterEach(async () => {
  await Promise.all(openSinks.splice(0).map((sink) => sink.close()));
  await rm(dir, { recursive: true, force: true });
});

describe("audit trail on a file", () => {
  it("writes a chain of records that verifies", async () => {
    await writeTrail(10);
    const lines = await fileLines();
    expect(lines).toHaveLength(10);
    const verdict = await verifyAuditFile(path, chain);
    const last = JSON.parse(lines[9] ?? "") as { mac: string };
    expect(verdict).toEqual({ ok: true, count: 10, head: last.mac, anchored: 10, anchoredAt: expect.any(String), unanchored: 0 });
    const first = JSON.parse(lines[0] ?? "") as { seq: number; prevHash: string; time: string };
    expect(first).toMatchObject({ seq: 0, prevMac: GENESIS_HASH, time: "2025-01-01T00:00:00.000Z" });
  });

  it("stores principals and subjects only as keyed ids", async () => {
    await writeTrail(3);
    const text = await readFile(path, "utf8");
    expect(text).not.toContain(PRINCIPAL);
    expect(text).not.toContain(SUBJECT);
    const record = JSON.parse(text.split("\n")[0] ?? "") as { principal: string; subjects: string[] };
    expect(record.principal).toBe(keyedId(KEY, PRINCIPAL));
    expect(record.subjects).toEqual([keyedId(KEY, SUBJECT)]);
  });

  it.each(["seq", "time", "extension", "binding", "outcome", "principal", "code", "subjects", "detail", "prevMac", "mac"])(
    "detects an edited %s on a middle line",
    async (field) => {
      await writeTrail(5);
      const lines = await fileLines();
      const record = JSON.parse(lines[2] ?? "") as Record<string, unknown>;
      const edits: Record<string, unknown> = {
        seq: 7,
        time: "2030-01-01T00:00:00.000Z",
        extension: "io.example/other",
        binding: "prescriptions.cancel",
        outcome: "ok",
        principal: keyedId(KEY, "someone-else"),
        code: "FORGED",
        subjects: [],
        detail: { index: 99 },
        prevMac: "f".repeat(64),
        mac: "e".repeat(64),
      };
      record[field] = edits[field];
      lines[2] = JSON.stringify(record);
      await writeFile(path, `${lines.join("\n")}\n`);
      expect(await verifyAuditFile(path, chain)).toMatchObject({ ok: false, line: 3 });
    },
  );

  it("detects a deleted line", async () => {
    await writeTrail(5);
    const lines = await fileLines();
    lines.splice(2, 1);
    await writeFile(path, `${lines.join("\n")}\n`);
    expect(await verifyAuditFile(path, chain)).toMatchObject({ ok: false, line: 3 });
  });

  it("detects a deleted first line", async () => {
    await writeTrail(3);
    expect(verifyAuditChain((await fileLines()).slice(1), chain)).toMatchObject({ ok: false, line: 1 });
  });

  it("detects two swapped lines", async () => {
    await writeTrail(5);
    const lines = await fileLines();
    [lines[1], lines[3]] = [lines[3] ?? "", lines[1] ?? ""];
    await writeFile(path, `${lines.join("\n")}\n`);
    expect(await verifyAuditFile(path, chain)).toMatchObject({ ok: false, line: 2 });
  });

  it("detects an inserted duplicate line and a line that is not JSON", async () => {
    await writeTrail(4);
    const lines = await fileLines();
    expect(verifyAuditChain([...lines.slice(0, 2), lines[1] ?? "", ...lines.slice(2)], chain)).toMatchObject({ ok: false, line: 3 });
    expect(verifyAuditChain([...lines.slice(0, 2), "{not json", ...lines.slice(2)], chain)).toEqual({
      ok: false,
      line: 3,
      seq: 2,
      reason: "line is not valid JSON",
    });
  });

  it("continues one chain when a second trail opens the same file", async () => {
    await writeTrail(3);
    const resumed = createAuditTrail({ sink: openSink(), key: KEY, chainKey: CHAIN_KEY, now: fixedClock() });
    const next = await resumed.record(entry(3));
    const lines = await fileLines();
    expect(next.seq).toBe(3);
    expect(next.prevMac).toBe((JSON.parse(lines[2] ?? "") as { mac: string }).mac);
    await resumed.record(entry(4));
    expect(await verifyAuditFile(path, chain)).toMatchObject({ ok: true, count: 5, anchored: 3, unanchored: 2 });
  });

  it("serializes 100 concurrent records into one chain", async () => {
    const trail = createAuditTrail({ sink: openSink(), key: KEY, chainKey: CHAIN_KEY, now: fixedClock() });
    const records = await Promise.all(Array.from({ length: 100 }, (_, index) => trail.record(entry(index))));
    expect(records.map((record) => record.seq)).toEqual(Array.from({ length: 100 }, (_, index) => index));
    const lines = await fileLines();
    expect(lines.map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual(records.map((record) => record.seq));
    expect(await verifyAuditFile(path, { ...chain, checkpointFile: false })).toMatchObject({ ok: true, count: 100, head: records[99]?.mac });
  });

  it("resumes from the last line of a file larger than one read chunk", async () => {
    const trail = createAuditTrail({ sink: openSink(), key: KEY, chainKey: CHAIN_KEY, now: fixedClock() });
    const longNote = "n".repeat(200);
    for (let index = 0; index < 400; index++) await trail.record({ ...entry(index), detail: { note: longNote } });
    const resumed = createAuditTrail({ sink: openSink(), key: KEY, chainKey: CHAIN_KEY });
    expect((await resumed.record(entry(400))).seq).toBe(400);
    expect(await verifyAuditFile(path, { ...chain, checkpointFile: false })).toMatchObject({ ok: true, count: 401 });
  });

  it("refuses to continue after a damaged last line", async () => {
    await writeTrail(2);
    await writeFile(path, "{\"seq\":5}\n", { flag: "a" });
    const trail = createAuditTrail({ sink: openSink(), key: KEY, chainKey: CHAIN_KEY });
    const failure = await trail.record(entry(0)).catch((error: unknown) => error);
    expect(isExtensionError(failure) && failure.code).toBe("AUDIT_TRAIL_CORRUPT");
  });

  it("refuses to continue a chain written under another chain key", async () => {
    await writeTrail(2);
    const trail = createAuditTrail({ sink: openSink(), key: KEY, chainKey: "another-chain-key-0123456789abcdef" });
    await expect(trail.record(entry(2))).rejects.toMatchObject({ code: "AUDIT_TRAIL_CORRUPT" });
  });

  it("verifies an empty file as an empty chain", async () => {
    await writeFile(join(dir, "empty.jsonl"), "");
    expect(await verifyAuditFile(join(dir, "empty.jsonl"), chain)).toEqual({ ok: true, count: 0, head: GENESIS_HASH, anchored: 0, unanchored: 0 });
  });
});

describe("checkpoints", () => {
  it("anchors the first record after start, every N records, on demand and at close", async () => {
    const sink = memoryAuditSink();
    const checkpoints = memoryCheckpointStore();
    const trail = createAuditTrail({ sink, key: KEY, chainKey: CHAIN_KEY, checkpoints, checkpointEvery: 3, checkpointIntervalMs: 0 });
    for (let index = 0; index < 7; index++) await trail.record(entry(index));
    const counts = () => checkpoints.lines.map((line) => (JSON.parse(line) as { count: number }).count);
    expect(counts()).toEqual([1, 4, 7]);
    expect(await trail.checkpoint()).toBeUndefined(); // head unchanged
    await trail.record(entry(7));
    await trail.close();
    expect(counts()).toEqual([1, 4, 7, 8]);
    expect(checkpoints.lines.join("\n")).not.toContain(CHAIN_KEY);
    await expect(trail.record(entry(8))).rejects.toMatchObject({ code: "AUDIT_TRAIL_CLOSED" });
    expect(verifyAuditChain(sink.lines, { chainKey: CHAIN_KEY, checkpoints: checkpoints.lines })).toMatchObject({ ok: true, count: 8, anchored: 8, unanchored: 0 });
  });

  it("anchors periodically while the head moves", async () => {
    const checkpoints = memoryCheckpointStore();
    const trail = createAuditTrail({ sink: memoryAuditSink(), key: KEY, chainKey: CHAIN_KEY, checkpoints, checkpointIntervalMs: 20 });
    await trail.record(entry(0));
    await trail.record(entry(1));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(checkpoints.lines.map((line) => (JSON.parse(line) as { count: number }).count)).toEqual([1, 2]);
    await trail.close();
  });
});

describe("audit entry validation", () => {
  const trail = createAuditTrail({ sink: memoryAuditSink(), key: KEY });

  it("rejects nested detail values", async () => {
    await expect(trail.record({ ...entry(0), detail: { nested: { a: 1 } as never } })).rejects.toThrow(TypeError);
    await expect(trail.record({ ...entry(0), detail: { list: [1] as never } })).rejects.toThrow(TypeError);
  });

  it("rejects long detail strings without echoing them", async () => {
    const payload = "secret-diagnosis ".repeat(20);
    const failure = await trail.record({ ...entry(0), detail: { note: payload } }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as Error).message).not.toContain("secret-diagnosis");
  });

  it("rejects a bad outcome, empty binding and a short key", async () => {
    await expect(trail.record({ ...entry(0), outcome: "maybe" as never })).rejects.toThrow(TypeError);
    await expect(trail.record({ ...entry(0), binding: "" })).rejects.toThrow(TypeError);
    expect(() => createAuditTrail({ sink: memoryAuditSink(), key: "short" })).toThrow(TypeError);
  });

  it("keeps the chain intact after a rejected entry", async () => {
    const sink = memoryAuditSink();
    const memoryTrail = createAuditTrail({ sink, key: KEY });
    await memoryTrail.record(entry(0));
    await expect(memoryTrail.record({ ...entry(1), detail: { bad: Number.NaN } })).rejects.toThrow(TypeError);
    await memoryTrail.record(entry(2));
    expect(verifyAuditChain(sink.lines, { chainKey: KEY })).toMatchObject({ ok: true, count: 2 });
  });

  it("recovers after a failing sink by re-reading the chain head", async () => {
    const inner = memoryAuditSink();
    let failNext = false;
    const flaky: AuditSink = {
      append: async (line) => {
        if (failNext) {
          failNext = false;
          throw new Error("disk full");
        }
        await inner.append(line);
      },
      readLast: () => inner.readLast(),
    };
    const flakyTrail = createAuditTrail({ sink: flaky, key: KEY });
    await flakyTrail.record(entry(0));
    failNext = true;
    await expect(flakyTrail.record(entry(1))).rejects.toThrow("disk full");
    expect((await flakyTrail.record(entry(2))).seq).toBe(1);
    expect(verifyAuditChain(inner.lines, { chainKey: KEY })).toMatchObject({ ok: true, count: 2 });
  });
});
