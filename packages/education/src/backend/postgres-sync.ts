import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";

/**
 * A PostgreSQL connection with a synchronous `query`, so the education store keeps one
 * synchronous interface over SQLite and PostgreSQL. One worker thread owns one `pg` client;
 * the calling thread blocks on an `Atomics.wait` until the worker answers, the same way a
 * synchronous SQLite call blocks on its file. One connection means one transaction at a
 * time per process; transactions across replicas are PostgreSQL's to order.
 */
export class SyncPostgresConnection {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private closed = false;

  constructor(
    url: string,
    private readonly timeoutMs = 30_000,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    // execArgv is not inherited: under `--input-type=module` the worker's source would parse as ESM, without `require`.
    this.worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { url, pgPath: resolvePg(), port: port2, signal: this.signal }, transferList: [port2] });
    this.worker.unref();
    // The first query proves the connection; a wrong URL fails here, at open.
    this.query("SELECT 1");
  }

  /** Runs one statement and waits for its rows. Errors keep PostgreSQL's SQLSTATE as `code`. */
  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): { rows: T[]; rowCount: number } {
    if (this.closed) throw new Error("the PostgreSQL connection is closed");
    Atomics.store(this.signal, 0, 0);
    this.port.postMessage({ sql, params });
    if (Atomics.wait(this.signal, 0, 0, this.timeoutMs) === "timed-out") throw new Error(`PostgreSQL did not answer within ${this.timeoutMs} ms`);
    const reply = receiveMessageOnPort(this.port)?.message as { rows?: T[]; rowCount?: number; error?: { message: string; code?: string } } | undefined;
    if (!reply) throw new Error("PostgreSQL answered nothing");
    if (reply.error) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
    return { rows: reply.rows ?? [], rowCount: reply.rowCount ?? 0 };
  }

  /** Ends the connection and the worker. */
  close(): void {
    if (this.closed) return;
    try {
      this.query("__close__");
    } finally {
      this.closed = true;
      this.port.close();
      void this.worker.terminate();
    }
  }
}

/** Where `pg` lives for this package, so the worker loads the same copy. */
function resolvePg(): string {
  const here = typeof __filename === "string" ? __filename : fileURLToPath(import.meta.url);
  return createRequire(here).resolve("pg");
}

// Runs in the worker: one client, one query at a time, the answer posted before the caller is woken.
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const pg = require(workerData.pgPath);
const { port, signal } = workerData;
const client = new pg.Client({ connectionString: workerData.url });
const ready = client.connect();
ready.catch(() => undefined);
const answer = (message) => { port.postMessage(message); Atomics.store(signal, 0, 1); Atomics.notify(signal, 0); };
port.on("message", async ({ sql, params }) => {
  try {
    await ready;
    if (sql === "__close__") { await client.end(); answer({ rows: [], rowCount: 0 }); port.close(); return; }
    const result = await client.query(sql, params);
    answer({ rows: result.rows, rowCount: result.rowCount ?? 0 });
  } catch (error) {
    answer({ error: { message: String(error && error.message || error), code: error && error.code } });
  }
});
`;
