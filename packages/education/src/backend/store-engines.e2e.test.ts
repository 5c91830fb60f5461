import { startPostgresCluster, type PostgresTestCluster } from "@mcp-verticals/core/testing";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { educationStoreContract } from "../__fixtures__/store-contract.js";
import { ALL_WRITES, approvedCall, call, declaringClient, testState } from "../__fixtures__/harness.js";
import { createEducationRuntime, DEFAULT_PRINCIPAL } from "../server.js";
import { LATEST_EDUCATION_PG_SCHEMA } from "./postgres-migrations.js";
import { PostgresEducationStore } from "./postgres-store.js";
import { EducationStore } from "./store.js";

describe("education records on the embedded SQLite engine", () => {
  educationStoreContract(() => new EducationStore(":memory:"));
});

describe("education records on PostgreSQL", () => {
  let cluster: PostgresTestCluster;
  const databases: string[] = [];
  beforeAll(async () => {
    cluster = await startPostgresCluster();
    for (let i = 0; i < 8; i++) databases.push(await cluster.createDatabase(`contract_${i}`));
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  educationStoreContract(() => new PostgresEducationStore(databases.shift()!));

  /** Runs `count` node processes at once, each opening the store from the built package and running `body`. */
  const replicas = (count: number, url: string, body: string) =>
    Promise.all(
      Array.from({ length: count }, () => {
        const script = `import { PostgresEducationStore } from ${JSON.stringify(new URL("../../dist/index.js", import.meta.url).href)};
          const store = new PostgresEducationStore(process.env.EDU_TEST_URL); const out = (() => { ${body} })(); store.close(); process.stdout.write(JSON.stringify(out));`;
        const child = spawn(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, EDU_TEST_URL: url }, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => (stdout += chunk));
        child.stderr.on("data", (chunk) => (stderr += chunk));
        return new Promise<unknown>((resolve, reject) => child.on("close", (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`replica exited ${code}: ${stderr.slice(0, 500)}`)))));
      }),
    );

  it("migrates once when six replicas open a fresh database at the same moment", async () => {
    const url = await cluster.createDatabase("race_migrations");
    const versions = await replicas(6, url, "return store.schemaVersion();");
    expect(versions).toEqual(Array(6).fill(LATEST_EDUCATION_PG_SCHEMA));
    const store = new PostgresEducationStore(url);
    try {
      expect(store.schemaVersion()).toBe(LATEST_EDUCATION_PG_SCHEMA);
      const migrations = store.allStoredRows().filter((entry) => entry.table === "edu_schema_migrations");
      expect(migrations.map((entry) => entry.row.version)).toEqual([1, 2]);
    } finally {
      store.close();
    }
  });

  it("holds the practice-attempt cap across replicas claiming at once", async () => {
    const url = await cluster.createDatabase("race_attempts");
    new PostgresEducationStore(url).close();
    const claims = (await replicas(4, url, 'return Array.from({ length: 5 }, () => store.claimPracticeAttempt("s-0001", "item-1", 8, new Date().toISOString()) ?? null);')) as (number | null)[][];
    const granted = claims.flat().filter((n) => n !== null);
    expect(granted.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("two runtimes on one database serve one school: shared pseudonym key, a score written on one read on the other", async () => {
    const url = await cluster.createDatabase("runtimes");
    const state = testState();
    // Replicas share the state and the audit chain key, as the bin's replicas do.
    const options = { postgresUrl: url, state, auditKey: randomBytes(32), settings: ALL_WRITES, toolsets: ["all"], principal: () => DEFAULT_PRINCIPAL, now: () => Date.parse("2026-11-24T12:00:00Z"), seed: { students: 40 } };
    const first = createEducationRuntime(options);
    const second = createEducationRuntime(options);
    const [a, b] = [await declaringClient(first), await declaringClient(second)];
    try {
      expect(first.services.gateway.pseudonym("s-0001")).toBe(second.services.gateway.pseudonym("s-0001"));
      const { roster } = await call(a.client, "edu_list_roster", { classSourcedId: "cls-alg1-a", role: "student", limit: 1 });
      const learner = roster[0].learner;
      const written = await approvedCall(state, a.client, "edu_post_score", { lineItemSourcedId: "li-alg1-a-4", studentSourcedId: learner, scoreGiven: 6, scoreMaximum: 10 });
      expect(written).toMatchObject({ status: "written", result: { learner, score: 6 } });
      const { results } = await call(b.client, "edu_list_results", { lineItemSourcedId: "li-alg1-a-4" });
      expect(results.filter((r: { learner: string; score?: number }) => r.learner === learner).map((r: { score?: number }) => r.score)).toEqual([6]);
    } finally {
      await a.close();
      await b.close();
      await first.close();
      await second.close();
    }
  }, 120_000);

  it("refuses to open a database migrated by a newer release", async () => {
    const url = await cluster.createDatabase("newer");
    const store = new PostgresEducationStore(url);
    store.transaction(() => void store.allStoredRows());
    (store as unknown as { db: { query(sql: string): unknown } }).db.query("INSERT INTO edu_schema_migrations (version, name) VALUES (99, 'from the future')");
    store.close();
    expect(() => new PostgresEducationStore(url)).toThrow(/schema version 99/);
  });
});
