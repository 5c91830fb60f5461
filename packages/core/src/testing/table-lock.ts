import pg from "pg";

/**
 * A backend waiting for a {@link TableLock}: another process's connection stopped at its read or write.
 *
 * @example
 * ```ts
 * const waiter: LockWaiter = await lock.waitForWaiter({ mode: "RowExclusiveLock" });
 * ```
 * @category Testing
 */
export interface LockWaiter {
  /** PostgreSQL's backend process id of the waiting connection. */
  readonly pid: number;
  /** The statement it is waiting to run (`pg_stat_activity.query`). */
  readonly query: string;
  /**
   * The lock it waits for on the table (`pg_locks.mode`): `AccessShareLock` for a read,
   * `RowExclusiveLock` for an insert, update or delete, `ShareLock`, `ExclusiveLock`, … It tells
   * a parked reader from a parked writer whatever the statement's text.
   */
  readonly mode: string;
}

/**
 * Which waiter {@link TableLock.waitForWaiter} waits for, and for how long.
 *
 * @example
 * ```ts
 * const options: WaitForWaiterOptions = { mode: "AccessShareLock", timeoutMs: 60_000 };
 * ```
 * @category Testing
 */
export interface WaitForWaiterOptions {
  /** Only a waiter whose statement matches. */
  query?: RegExp;
  /** Only a waiter for this lock mode (see {@link LockWaiter.mode}), e.g. `AccessShareLock` for a reader. */
  mode?: string;
  /** Rejects after this long (default 30 s), naming what the database's backends were doing. */
  timeoutMs?: number;
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
   * Resolves once a backend waits for this lock (matching `query` and `mode`, when given): the job
   * is then parked at that statement. Rejects after `timeoutMs` (default 30 s) with what every
   * backend of the database was doing, so a job that never reached the table says where it was.
   */
  waitForWaiter(options?: WaitForWaiterOptions): Promise<LockWaiter>;
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
 * timer. {@link TableLock.waitForWaiter} sees the parked backend in `pg_locks` (an ungranted lock
 * on this table that this lock blocks) with its statement from `pg_stat_activity`.
 *
 * @example
 * ```ts
 * const lock = await lockTable(databaseUrl, "edu_oneroster", { mode: "SHARE" });
 * const outcome = await tasks.callTool("edu_import_roster", args);
 * await lock.waitForWaiter({ mode: "RowExclusiveLock" }); // the import is parked at its first write
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
  const relation = Number((await client.query<{ oid: number }>("SELECT to_regclass(quote_ident($1))::oid AS oid", [table])).rows[0]!.oid);
  let released = false;
  // A separate connection observes (the locking one stays idle in its transaction); it closes itself when idle.
  const observer = new pg.Pool({ connectionString: url, application_name: "table-lock-observer", max: 1, idleTimeoutMillis: 1000, allowExitOnIdle: true });
  // An idle observer losing its server (the test stopped the cluster) is no failure of the test.
  observer.on("error", () => undefined);

  // A waiter holds an ungranted lock on this very table that this lock blocks (pg_locks), not
  // merely a backend blocked by this transaction for some other reason.
  const waiters = async (): Promise<LockWaiter[]> =>
    (
      await observer.query<{ pid: number; query: string; mode: string }>(
        `SELECT a.pid, a.query, l.mode FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'relation' AND l.relation = $2 AND NOT l.granted AND $1 = ANY (pg_blocking_pids(l.pid))
          ORDER BY a.pid`,
        [self, relation],
      )
    ).rows.map((row) => ({ pid: Number(row.pid), query: row.query, mode: row.mode }));
  /** What every other backend of the database is doing: the timeout's explanation. */
  const activity = async (): Promise<string> => {
    const { rows } = await observer.query(
      "SELECT pid, state, wait_event_type, wait_event, left(query, 120) AS query FROM pg_stat_activity WHERE datname = current_database() AND pid NOT IN ($1, pg_backend_pid()) ORDER BY pid",
      [self],
    );
    return JSON.stringify(rows);
  };
  const poll = async <T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string, explain?: () => Promise<string>): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}${explain ? `; backends: ${await explain().catch((error: Error) => error.message)}` : ""}`);
      // Polls a condition the database reports; the parked job cannot pass the lock meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  return {
    waiters,
    waitForWaiter: (waitOptions = {}) =>
      poll(
        async () => (await waiters()).find((waiter) => (waitOptions.query === undefined || waitOptions.query.test(waiter.query)) && (waitOptions.mode === undefined || waiter.mode === waitOptions.mode)),
        waitOptions.timeoutMs ?? 30_000,
        `a backend waits for the lock on ${table}${waitOptions.mode ? ` (${waitOptions.mode})` : ""}`,
        activity,
      ),
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
