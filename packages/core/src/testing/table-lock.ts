import pg from "pg";

/**
 * A backend waiting for a {@link TableLock}: another process's connection stopped at its read or write.
 *
 * @example
 * ```ts
 * const waiter: LockWaiter = await lock.waitForWaiter({ query: /^INSERT/ });
 * ```
 * @category Testing
 */
export interface LockWaiter {
  /** PostgreSQL's backend process id of the waiting connection. */
  readonly pid: number;
  /** The statement it is waiting to run. */
  readonly query: string;
}

/**
 * A table lock a test holds in an open transaction: see {@link lockTable}.
 *
 * @example
 * ```ts
 * const lock: TableLock = await lockTable(url, "edu_oneroster");
 * await lock.release();
 * ```
 * @category Testing
 */
export interface TableLock {
  /** The backends waiting for this lock right now. */
  waiters(): Promise<LockWaiter[]>;
  /**
   * Resolves once a backend waits for this lock (whose statement matches `query`, when given):
   * the job is then parked at that statement. Rejects after `timeoutMs` (default 30 s).
   */
  waitForWaiter(options?: { query?: RegExp; timeoutMs?: number }): Promise<LockWaiter>;
  /** Resolves once backend `pid` no longer exists (e.g. after its client process was killed and the lock released). */
  waitForGone(pid: number, options?: { timeoutMs?: number }): Promise<void>;
  /** Ends the transaction (the lock goes with it) and the connection. */
  release(): Promise<void>;
}

/**
 * Takes `LOCK TABLE <table> IN <mode> MODE` in an open transaction on its own connection: a
 * real brake across processes. A server process that reads (`ACCESS EXCLUSIVE`) or writes
 * (`SHARE`: reads still pass) that table stops at that statement until {@link TableLock.release},
 * so a test can cancel the job or kill its process at a known step instead of racing it with a
 * timer. {@link TableLock.waitForWaiter} sees the parked statement in `pg_stat_activity`.
 *
 * @example
 * ```ts
 * const lock = await lockTable(databaseUrl, "edu_oneroster", { mode: "SHARE" });
 * const outcome = await tasks.callTool("edu_import_roster", args);
 * await lock.waitForWaiter({ query: /^INSERT/ }); // the import is parked at its first write
 * await a.kill("SIGKILL");
 * await lock.release();
 * ```
 * @category Testing
 */
export async function lockTable(url: string, table: string, options: { mode?: "ACCESS EXCLUSIVE" | "EXCLUSIVE" | "SHARE" } = {}): Promise<TableLock> {
  if (!/^[a-z_][a-z0-9_]*$/i.test(table)) throw new TypeError("table must be a plain identifier");
  const mode = options.mode ?? "ACCESS EXCLUSIVE";
  const client = new pg.Client({ connectionString: url, application_name: "table-lock" });
  // Losing the server while the lock is held surfaces in release(), not as an uncaught error.
  client.on("error", () => undefined);
  await client.connect();
  await client.query("BEGIN");
  await client.query(`LOCK TABLE "${table}" IN ${mode} MODE`);
  const self = Number((await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid);
  let released = false;
  // A separate connection observes (the locking one stays idle in its transaction); it closes itself when idle.
  const observer = new pg.Pool({ connectionString: url, application_name: "table-lock-observer", max: 1, idleTimeoutMillis: 1000, allowExitOnIdle: true });
  // An idle observer losing its server (the test stopped the cluster) is no failure of the test.
  observer.on("error", () => undefined);

  const waiters = async (): Promise<LockWaiter[]> =>
    (await observer.query<{ pid: number; query: string }>("SELECT pid, query FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)) ORDER BY pid", [self])).rows.map((row) => ({
      pid: Number(row.pid),
      query: row.query,
    }));
  const poll = async <T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  return {
    waiters,
    waitForWaiter: (waitOptions = {}) =>
      poll(async () => (await waiters()).find((waiter) => waitOptions.query === undefined || waitOptions.query.test(waiter.query)), waitOptions.timeoutMs ?? 30_000, `a backend waits for the lock on ${table}`),
    waitForGone: (pid, goneOptions = {}) =>
      poll(async () => ((await observer.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1", [pid])).rowCount === 0 ? true : undefined), goneOptions.timeoutMs ?? 30_000, `backend ${pid} has ended`).then(() => undefined),
    async release() {
      if (released) return;
      released = true;
      try {
        await client.query("ROLLBACK");
      } finally {
        await client.end();
      }
    },
  };
}
