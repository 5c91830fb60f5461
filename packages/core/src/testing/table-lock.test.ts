import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresAvailable, startPostgresCluster, type PostgresTestCluster } from "./postgres-cluster.js";
import { lockTable } from "./table-lock.js";

describe.runIf(postgresAvailable())("lockTable", () => {
  let cluster: PostgresTestCluster;
  let url: string;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
    url = await cluster.createDatabase("table_lock");
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    await setup.query("CREATE TABLE jobs (id INTEGER PRIMARY KEY)");
    await setup.query("INSERT INTO jobs VALUES (1)");
    await setup.end();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it("SHARE parks a writer (readers pass) until release, and names the parked statement", async () => {
    const worker = new pg.Client({ connectionString: url });
    await worker.connect();
    try {
      const lock = await lockTable(url, "jobs", { mode: "SHARE" });
      expect((await worker.query("SELECT count(*)::int AS n FROM jobs")).rows[0].n).toBe(1);
      let inserted = false;
      const insert = worker.query("INSERT INTO jobs VALUES (2)").then(() => (inserted = true));
      const waiter = await lock.waitForWaiter({ query: /^INSERT INTO jobs/ });
      expect(waiter.query).toBe("INSERT INTO jobs VALUES (2)");
      expect(waiter.mode).toBe("RowExclusiveLock");
      expect(inserted).toBe(false);
      await lock.release();
      await insert;
      expect(inserted).toBe(true);
      expect(await lock.waiters()).toEqual([]);
    } finally {
      await worker.end();
    }
  });

  it("ACCESS EXCLUSIVE parks a reader; waitForGone sees its backend end; bad names are refused", async () => {
    const lock = await lockTable(url, "jobs");
    const reader = new pg.Client({ connectionString: url });
    await reader.connect();
    reader.on("error", () => undefined);
    const read = reader.query("SELECT * FROM jobs").catch((error: unknown) => error);
    const waiter = await lock.waitForWaiter();
    expect(waiter.mode).toBe("AccessShareLock");
    await lock.release();
    await read;
    await reader.end();
    await lock.waitForGone(waiter.pid);
    await expect(lockTable(url, "jobs; DROP TABLE jobs")).rejects.toThrow(TypeError);
    await expect(lock.waitForWaiter({ timeoutMs: 50 })).rejects.toThrow(/timed out/);
  });

  it("tells a parked reader from a parked writer by lock mode (statements sent as the drivers send them, with parameters), and a timeout names what the backends were doing", async () => {
    const lock = await lockTable(url, "jobs");
    const reader = new pg.Client({ connectionString: url, application_name: "parked-reader" });
    const writer = new pg.Client({ connectionString: url, application_name: "parked-writer" });
    await Promise.all([reader.connect(), writer.connect()]);
    try {
      const read = reader.query("SELECT id FROM jobs WHERE id = $1", [1]);
      const parkedReader = await lock.waitForWaiter({ mode: "AccessShareLock" });
      expect(parkedReader.query).toBe("SELECT id FROM jobs WHERE id = $1");
      // No writer yet: waiting for one times out, and the message shows the reader parked on a lock.
      await expect(lock.waitForWaiter({ mode: "RowExclusiveLock", timeoutMs: 50 })).rejects.toThrow(/timed out waiting until a backend waits for the lock on jobs \(RowExclusiveLock\); backends: .*"wait_event_type":"Lock"/);
      const write = writer.query("UPDATE jobs SET id = id WHERE id = $1", [1]);
      const parkedWriter = await lock.waitForWaiter({ mode: "RowExclusiveLock" });
      expect(parkedWriter.pid).not.toBe(parkedReader.pid);
      expect((await lock.waiters()).map((waiter) => waiter.mode).sort()).toEqual(["AccessShareLock", "RowExclusiveLock"]);
      await lock.release();
      expect((await read).rows).toEqual([{ id: 1 }]);
      expect((await write).rowCount).toBe(1);
    } finally {
      await lock.release();
      await Promise.all([reader.end(), writer.end()]);
    }
  });
});
