/**
 * Replicas of a reference server sharing one PostgreSQL state, as they run in production behind a
 * load balancer: a throwaway cluster, one fresh database, and the replicas started on it with
 * `--postgres`. One place owns the order of start and stop, so no test leaks a cluster when a
 * replica fails to start.
 */
import { startPostgresCluster } from "./postgres-cluster.js";
import { startReplicas, type ReplicaSet, type StartReplicasOptions } from "./replicas.js";

/**
 * Options for {@link startReplicasOnPostgres}.
 * @example
 * ```ts
 * const options: StartReplicasOnPostgresOptions = { database: "template_replicas", args: ["--access", "read-write"] };
 * ```
 * @category Testing
 */
export interface StartReplicasOnPostgresOptions extends StartReplicasOptions {
  /** The name of the database created for the replicas (a valid PostgreSQL identifier, e.g. `education_replicas`). */
  database: string;
  /**
   * The flag that hands the bin the database URL (default `--postgres`). A bin that keeps its own
   * data there and its state beside it names it under its own flag, e.g. finance's `--database`.
   */
  databaseFlag?: string;
}

/**
 * Replicas on one PostgreSQL database, behind the round-robin proxy.
 * @example
 * ```ts
 * const set: PostgresReplicaSet = await startReplicasOnPostgres(bin, 3, { database: "replicas" });
 * ```
 * @category Testing
 */
export interface PostgresReplicaSet extends ReplicaSet {
  /** The URL of the database the replicas share (what `--postgres` got), for the test's own reads and commands. */
  readonly database: string;
  /** Stops the proxy, every replica still running, then the cluster. */
  close(): Promise<void>;
}

/**
 * Starts a throwaway PostgreSQL cluster, creates one database on it, and starts `n` replicas of
 * the bin on it (`--http 0 --postgres <url>`, or `options.databaseFlag` for `--postgres`, then `options.args`) behind a round-robin proxy
 * (see {@link startReplicas}). Needs the PostgreSQL server binaries (`postgresAvailable()`).
 *
 * @example
 * ```ts
 * const set = await startReplicasOnPostgres(fileURLToPath(new URL("../dist/bin.js", import.meta.url)), 3, { database: "template_replicas" });
 * try {
 *   await client.connect(new StreamableHTTPClientTransport(new URL(set.url)));
 * } finally {
 *   await set.close();
 * }
 * ```
 * @category Testing
 */
export async function startReplicasOnPostgres(binPath: string, n: number, options: StartReplicasOnPostgresOptions): Promise<PostgresReplicaSet> {
  const { database: name, databaseFlag = "--postgres", ...replicaOptions } = options;
  const cluster = await startPostgresCluster();
  try {
    const database = await cluster.createDatabase(name);
    const set = await startReplicas(binPath, n, { ...replicaOptions, args: [databaseFlag, database, ...(options.args ?? [])] });
    return {
      url: set.url,
      replicas: set.replicas,
      served: set.served,
      database,
      async close() {
        try {
          await set.close();
        } finally {
          await cluster.stop();
        }
      },
    };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}
