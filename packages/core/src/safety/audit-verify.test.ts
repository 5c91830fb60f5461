import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { canonicalJson, digestOf } from "./canonical-json.js";
import { createAuditTrail } from "./audit-chain.js";
import { fileAuditSink, memoryAuditSink } from "./audit-sinks.js";
import { fileCheckpointStore, memoryCheckpointStore, stateCheckpointStore } from "./audit-checkpoints.js";
import { loadAuditKey } from "./audit-key.js";
import { defaultAuditKeyFile, runAuditCommand } from "./audit-command.js";
import { verifyAuditChain } from "./audit-verify.js";
import { memoryStateStore } from "../state/memory-store.js";

const PSEUDONYM_KEY = "pseudonym-key-stored-with-the-data-0123";
const CHAIN_KEY = "chain-key-kept-apart-from-the-log-0123";
const SECRET_DETAIL = "diagnosis-code-F32";

async function writeTrail(count: number) {
  const sink = memoryAuditSink();
  const checkpoints = memoryCheckpointStore();
  const trail = createAuditTrail({ sink, key: PSEUDONYM_KEY, chainKey: CHAIN_KEY, checkpoints, checkpointIntervalMs: 0 });
  for (let index = 0; index < count; index++) {
    await trail.record({ extension: "io.example/x", binding: `tools/call:step_${index}`, outcome: "ok", principal: "alice", detail: { note: SECRET_DETAIL } });
  }
  await trail.close();
  return { lines: [...sink.lines], checkpoints: [...checkpoints.lines] };
}

/** What an attacker without the chain key can do: rewrite a record and recompute every later link with the exported digest. */
function recomputeFrom(lines: string[], start: number, rehash: (rest: object) => string): string[] {
  const out = [...lines];
  let prev = start === 0 ? "0".repeat(64) : (JSON.parse(out[start - 1]!) as { mac: string }).mac;
  for (let index = start; index < out.length; index++) {
    const { mac: _old, ...rest } = JSON.parse(out[index]!) as Record<string, unknown>;
    rest.prevMac = prev;
    const mac = rehash(rest);
    out[index] = canonicalJson({ ...rest, mac });
    prev = mac;
  }
  return out;
}

const verify = (lines: string[], checkpoints: string[]) => verifyAuditChain(lines, { chainKey: CHAIN_KEY, checkpoints });

describe("verifying a keyed, checkpointed audit chain", () => {
  it("accepts the intact trail", async () => {
    const { lines, checkpoints } = await writeTrail(6);
    expect(verify(lines, checkpoints)).toMatchObject({ ok: true, count: 6, anchored: 6, unanchored: 0 });
  });

  it("detects an edited record, naming its line, seq and binding but not its contents", async () => {
    const { lines, checkpoints } = await writeTrail(6);
    lines[2] = lines[2]!.replace('"ok"', '"denied"');
    const verdict = verify(lines, checkpoints);
    expect(verdict).toMatchObject({ ok: false, line: 3, seq: 2, binding: "tools/call:step_2" });
    expect(JSON.stringify(verdict)).not.toContain(SECRET_DETAIL);
  });

  it("detects an edit whose chain was recomputed with the exported digest function", async () => {
    const { lines, checkpoints } = await writeTrail(6);
    const edited = [...lines];
    edited[2] = edited[2]!.replace('"ok"', '"denied"');
    expect(verify(recomputeFrom(edited, 2, (rest) => digestOf(rest)), checkpoints)).toMatchObject({ ok: false, line: 3, seq: 2 });
  });

  it("detects a chain recomputed with the pseudonym key (which may sit next to the data)", async () => {
    const { createHmac } = await import("node:crypto");
    const { lines, checkpoints } = await writeTrail(4);
    const forged = recomputeFrom(lines, 0, (rest) => createHmac("sha256", PSEUDONYM_KEY).update(canonicalJson(rest)).digest("hex"));
    expect(verify(forged, checkpoints)).toMatchObject({ ok: false, line: 1, seq: 0 });
  });

  it("detects a deleted record in the middle", async () => {
    const { lines, checkpoints } = await writeTrail(6);
    lines.splice(3, 1);
    expect(verify(lines, checkpoints)).toMatchObject({ ok: false, line: 4, seq: 4, reason: expect.stringContaining("expected seq 3") });
  });

  it("detects reordered records", async () => {
    const { lines, checkpoints } = await writeTrail(6);
    [lines[1], lines[2]] = [lines[2]!, lines[1]!];
    expect(verify(lines, checkpoints)).toMatchObject({ ok: false, line: 2, seq: 2 });
  });

  it("detects truncation against the newest checkpoint", async () => {
    const { lines, checkpoints } = await writeTrail(6);
    expect(verify(lines.slice(0, 4), checkpoints)).toMatchObject({ ok: false, seq: 4, reason: expect.stringContaining("truncated") });
    expect(verify([], checkpoints)).toMatchObject({ ok: false, reason: expect.stringContaining("truncated") });
  });

  it("detects a trail whose checkpoints were removed, edited or signed with another key", async () => {
    const { lines, checkpoints } = await writeTrail(3);
    expect(verify(lines, [])).toMatchObject({ ok: false, reason: expect.stringContaining("no signed checkpoint") });
    const edited = checkpoints.map((line) => line.replace(/"count":3/, '"count":2'));
    expect(verify(lines, edited)).toMatchObject({ ok: false, reason: expect.stringContaining("signature") });
    const other = await (async () => {
      const store = memoryCheckpointStore();
      const trail = createAuditTrail({ sink: memoryAuditSink(), key: PSEUDONYM_KEY, chainKey: "a-different-chain-key-0123456789ab", checkpoints: store });
      await trail.record({ extension: "io.example/x", binding: "b", outcome: "ok" });
      await trail.close();
      return store.lines;
    })();
    expect(verify(lines, other)).toMatchObject({ ok: false, reason: expect.stringContaining("another key") });
  });

  it("reports records of the older unkeyed format as unverifiable", () => {
    const legacy = { seq: 0, time: "2026-01-01T00:00:00.000Z", extension: "x", binding: "b", outcome: "ok", prevHash: "0".repeat(64) };
    const line = canonicalJson({ ...legacy, hash: digestOf(legacy) });
    expect(verify([line], [])).toMatchObject({ ok: false, line: 1, reason: expect.stringContaining("unkeyed") });
  });

  it("keeps the checkpoints of a shared chain in the state store, apart from the log", async () => {
    const state = memoryStateStore();
    const sink = memoryAuditSink();
    const checkpoints = stateCheckpointStore(state, "audit");
    const trail = createAuditTrail({ sink, key: PSEUDONYM_KEY, chainKey: CHAIN_KEY, checkpoints, checkpointEvery: 2 });
    for (let index = 0; index < 5; index++) await trail.record({ extension: "x", binding: "b", outcome: "ok" });
    await trail.close();
    const stored: string[] = [];
    for await (const line of checkpoints.readAll()) stored.push(line);
    expect(stored.map((line) => (JSON.parse(line) as { count: number }).count)).toEqual([1, 3, 5]);
    expect(verify(sink.lines.slice(0, 4), stored)).toMatchObject({ ok: false, reason: expect.stringContaining("truncated") });
  });
});

describe("the audit verify command and the audit key", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "audit-verify-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
    const out: string[] = [];
    const code = await runAuditCommand({ command: "mcp-test", argv, env: { XDG_CONFIG_HOME: dir, ...env }, print: (line) => out.push(line), log: (line) => out.push(line) });
    return { code, text: out.join("\n") };
  }

  it("generates a 0600 key file on first start, reuses it, and verifies with it", async () => {
    const file = join(dir, "audit.jsonl");
    const keyFile = defaultAuditKeyFile("mcp-test", { XDG_CONFIG_HOME: dir });
    expect(keyFile).toBe(join(dir, "mcp-verticals", "mcp-test.audit-key"));
    const first = loadAuditKey({ env: {}, file: keyFile, create: true });
    expect(first.created).toBe(true);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const again = loadAuditKey({ env: {}, file: keyFile, create: true });
    expect(Buffer.from(again.key).equals(Buffer.from(first.key))).toBe(true);

    const sink = fileAuditSink(file);
    const trail = createAuditTrail({ sink, key: PSEUDONYM_KEY, chainKey: first.key, checkpoints: fileCheckpointStore(`${file}.checkpoints`) });
    for (let index = 0; index < 3; index++) await trail.record({ extension: "x", binding: `tools/call:t${index}`, outcome: "ok", detail: { note: SECRET_DETAIL } });
    await trail.close();
    await sink.close();

    expect(await run(["verify", "--file", file])).toMatchObject({ code: 0, text: expect.stringContaining("intact") });
    const lines = (await readFile(file, "utf8")).trimEnd().split("\n");
    await writeFile(file, `${[lines[0], lines[2]].join("\n")}\n`);
    const broken = await run(["verify", "--file", file]);
    expect(broken.code).toBe(1);
    expect(broken.text).toContain("line 2, seq 2, binding tools/call:t2");
    expect(broken.text).not.toContain(SECRET_DETAIL);
  });

  it("fails closed without a key, with a key file open to others, and on a missing trail", async () => {
    const file = join(dir, "audit.jsonl");
    await writeFile(file, "");
    expect(await run(["verify", "--file", file])).toMatchObject({ code: 1, text: expect.stringContaining("MCP_AUDIT_KEY") });
    const keyFile = join(dir, "open.key");
    await writeFile(keyFile, "k".repeat(64));
    await chmod(keyFile, 0o644);
    expect(await run(["verify", "--file", file], { MCP_AUDIT_KEY_FILE: keyFile })).toMatchObject({ code: 1, text: expect.stringContaining("chmod 600") });
    expect(await run(["verify", "--file", join(dir, "nope.jsonl")], { MCP_AUDIT_KEY: "k".repeat(40) })).toMatchObject({ code: 1, text: expect.stringContaining("does not exist") });
    expect(await run(["verify", "--bogus"])).toMatchObject({ code: 2 });
    expect(await run(["rotate"])).toMatchObject({ code: 2 });
  });
});
