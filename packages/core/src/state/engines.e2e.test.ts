import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresAvailable, startPostgresCluster, type PostgresTestCluster } from "../testing/postgres-cluster.js";
import { stateStoreContract } from "./__fixtures__/state-contract.js";
import { memoryStateStore } from "./memory-store.js";
import { openStateStore } from "./open-store.js";
import { postgresStateStore } from "./postgres-store.js";
import { sqliteStateStore } from "./sqlite-store.js";
import type { StateStore } from "./state-store.js";

const RACE_CHILD = fileURLToPath(new URL("./__fixtures__/race-child.mjs", import.meta.url));
const directory = mkdtempSync(join(tmpdir(), "state-engines-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let fileCount = 0;
const freshFile = (): string => join(directory, `nested/dir/state-${++fileCount}.sqlite`);

/** Runs contenders as separate processes that open the same store and race on it. */
async function race(target: string, contenders: number): Promise<{ tag: string; won: number[] }[]> {
  const children = Array.from({ length: contenders }, (_, index) => {
    const child = spawn(process.execPath, [RACE_CHILD, target, `p${index}`], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let markReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.startsWith("ready\n")) markReady();
    });
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    const done = new Promise<{ tag: string; won: number[] }>((resolve, reject) =>
      child.on("exit", (code) =>
        code === 0 ? resolve(JSON.parse(out.slice("ready\n".length))) : reject(new Error(`contender ${index} exited ${code}: ${err}`)),
      ),
    );
    return { child, ready: Promise.race([ready, done.then(() => undefined)]), done };
  });
  // Every contender has opened (and migrated) the store before any starts writing.
  await Promise.all(children.map((contender) => contender.ready));
  for (const { child } of children) child.stdin.end("go\n");
  return Promise.all(children.map((contender) => contender.done));
}

/** Checks what the racing processes left: one winner per key, no lost update, one unbroken chain. */
async function expectRaceOutcome(state: StateStore, results: { tag: string; won: number[] }[], contenders: number): Promise<void> {
  const won = results.flatMap((result) => result.won).sort((a, b) => a - b);
  expect(won).toEqual(Array.from({ length: 300 }, (_, index) => index));
  for (const result of results) {
    for (const index of result.won) expect((await state.get("race", `k${index}`))?.value).toBe(result.tag);
  }
  expect((await state.get("race", "counter"))?.value).toBe(150 * contenders);
  expect((await state.get("race", "increments"))?.value).toBe(150 * contenders);
  const log = await state.readLog<{ prev: number; tag: string }>("race-log");
  expect(log).toHaveLength(150 * contenders);
  log.forEach((item, index) => {
    expect(item.seq).toBe(index + 1);
    expect(item.entry.prev).toBe(index);
  });
  expect(new Set(log.map((item) => item.entry.tag)).size).toBe(contenders);
}

describe("memoryStateStore contract", () => {
  stateStoreContract(async ({ now }) => memoryStateStore({ now }));
});

describe("sqliteStateStore", () => {
  describe("contract", () => {
    stateStoreContract(({ now }) => sqliteStateStore({ file: freshFile(), now }));
  });

  it("persists across reopen and keeps the chain and versions", async () => {
    const file = freshFile();
    const first = await sqliteStateStore({ file });
    await first.put("ns", "k", { a: 1 });
    await first.appendLinked("log", () => "one");
    await first.close();
    const second = await openStateStore({ file });
    expect(second.engine).toBe("sqlite");
    expect(await second.put("ns", "k", { a: 2 }, { expectVersion: 1 })).toMatchObject({ version: 2 });
    expect((await second.appendLinked<string>("log", (last) => `after ${last?.entry}`)).seq).toBe(2);
    await second.close();
  });

  it("three processes opening a new file at once migrate it once and race with exactly one winner per write", async () => {
    const file = freshFile();
    const results = await race(file, 3);
    const state = await sqliteStateStore({ file });
    try {
      await expectRaceOutcome(state, results, 3);
    } finally {
      await state.close();
    }
    const Database = (await import("better-sqlite3")).default;
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT version FROM mcp_state_migrations").all()).toEqual([{ version: 1 }]);
    db.close();
  }, 60_000);

  it("refuses a database a newer release migrated", async () => {
    const file = freshFile();
    await (await sqliteStateStore({ file })).close();
    const Database = (await import("better-sqlite3")).default;
    const db = new Database(file);
    db.prepare("INSERT INTO mcp_state_migrations (version, name, applied_at) VALUES (99, 'future', 0)").run();
    db.close();
    await expect(sqliteStateStore({ file })).rejects.toThrow(/schema version 99/);
  });
});

describe.runIf(postgresAvailable())("postgresStateStore", () => {
  let cluster: PostgresTestCluster;
  let databases = 0;
  const freshDatabase = (): Promise<string> => cluster.createDatabase(`state_${++databases}`);
  beforeAll(async () => {
    cluster = await startPostgresCluster();
  }, 90_000);
  afterAll(() => cluster?.stop());

  describe("contract", () => {
    stateStoreContract(async ({ now }) => postgresStateStore({ url: await freshDatabase(), now }));
  });

  it("three stores opening one new database at once migrate it once", async () => {
    const url = await freshDatabase();
    const stores = await Promise.all([1, 2, 3].map(() => openStateStore({ url })));
    try {
      expect(stores.map((store) => store.engine)).toEqual(["postgres", "postgres", "postgres"]);
      const pg = (await import("pg")).default;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query("SELECT version FROM mcp_state_migrations");
      await client.end();
      expect(rows).toEqual([{ version: 1 }]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it("three processes race on one database with exactly one winner per write", async () => {
    const url = await freshDatabase();
    const results = await race(url, 3);
    const state = await postgresStateStore({ url });
    try {
      await expectRaceOutcome(state, results, 3);
    } finally {
      await state.close();
    }
  }, 60_000);

  it("shares a caller's pool and leaves it open on close", async () => {
    const pg = (await import("pg")).default;
    const pool = new pg.Pool({ connectionString: await freshDatabase(), max: 2 });
    const state = await postgresStateStore({ pool });
    await state.put("ns", "k", 1);
    await state.close();
    expect((await pool.query("SELECT value FROM mcp_state_records")).rows).toEqual([{ value: "1" }]);
    await pool.end();
  });
});

describe("openStateStore", () => {
  it("chooses the engine from the URL or file", async () => {
    const memory = await openStateStore({ url: "memory:" });
    expect(memory.engine).toBe("memory");
    await memory.close();
    expect((await openStateStore()).engine).toBe("memory");
    await expect(openStateStore({ url: "redis://localhost" })).rejects.toThrow(TypeError);
  });
});
