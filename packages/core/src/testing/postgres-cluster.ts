import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A throwaway PostgreSQL cluster for tests: its own data directory, 127.0.0.1, a free port,
 * trust authentication.
 *
 * @example
 * ```ts
 * const cluster: PostgresTestCluster = await startPostgresCluster();
 * const url = await cluster.createDatabase("replicas");
 * ```
 * @category Testing
 */
export interface PostgresTestCluster {
  /** URL of the `postgres` database, for creating others. */
  readonly adminUrl: string;
  /** Creates a fresh database and resolves its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the cluster and removes its directory (a no-op for {@link postgresClusterAt}). */
  stop(): Promise<void>;
}

const VERSIONS = ["17", "16", "15", "14", "13"];

/**
 * The directory holding `initdb` and `pg_ctl` (`PG_BIN_DIR`, else Debian's layout), or
 * `undefined` when PostgreSQL is not installed.
 *
 * @example
 * ```ts
 * const bin = postgresBinDir(); // "/usr/lib/postgresql/15/bin"
 * ```
 * @category Testing
 */
export function postgresBinDir(): string | undefined {
  if (process.env.PG_BIN_DIR && existsSync(join(process.env.PG_BIN_DIR, "initdb"))) return process.env.PG_BIN_DIR;
  for (const version of VERSIONS) {
    const dir = `/usr/lib/postgresql/${version}/bin`;
    if (existsSync(join(dir, "initdb"))) return dir;
  }
  return undefined;
}

/**
 * Whether PostgreSQL tests can run here. Under CI (`CI=true`) a missing installation throws
 * instead, so a suite cannot pass by skipping.
 *
 * @example
 * ```ts
 * describe.runIf(postgresAvailable())("on PostgreSQL", () => { ... });
 * ```
 * @category Testing
 */
export function postgresAvailable(): boolean {
  const available = postgresBinDir() !== undefined;
  if (!available && process.env.CI === "true") {
    throw new Error("PostgreSQL binaries (initdb, pg_ctl) not found: install the Debian postgresql package in CI");
  }
  return available;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a PostgreSQL binary, as the `postgres` user when we are root (initdb refuses root). */
function runAs(bin: string, args: string[]): void {
  const isRoot = process.getuid?.() === 0;
  const command = isRoot ? "runuser" : bin;
  const fullArgs = isRoot ? ["-u", "postgres", "--", bin, ...args] : args;
  const result = spawnSync(command, fullArgs, { encoding: "utf8", timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${bin} ${args[0] ?? ""} failed: ${result.stderr || result.stdout}`);
}

/**
 * A cluster on a server someone else runs (e.g. one a vitest global setup started): databases
 * are created through `adminUrl`; stopping it is its owner's job.
 *
 * @example
 * ```ts
 * const cluster = postgresClusterAt(inject("postgresAdminUrl"));
 * ```
 * @category Testing
 */
export function postgresClusterAt(adminUrl: string): PostgresTestCluster {
  return {
    adminUrl,
    async createDatabase(name) {
      if (!/^[A-Za-z0-9_]{1,63}$/.test(name)) throw new TypeError("database names here are 1 to 63 letters, digits or _");
      const pg = (await import("pg")).default;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async stop() {},
  };
}

/**
 * Creates and starts a PostgreSQL cluster in a temporary directory (fsync off, 200
 * connections); `stop()` stops it and removes the directory. Needs the PostgreSQL server
 * binaries ({@link postgresBinDir}).
 *
 * @example
 * ```ts
 * const cluster = await startPostgresCluster();
 * try { const url = await cluster.createDatabase("t1"); ... } finally { await cluster.stop(); }
 * ```
 * @category Testing
 */
export async function startPostgresCluster(): Promise<PostgresTestCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error("PostgreSQL is not installed");
  const base = mkdtempSync(join(tmpdir(), "mcp-pg-"));
  chmodSync(base, 0o777);
  const data = join(base, "data");
  if (process.getuid?.() === 0) execFileSync("chown", ["postgres:postgres", base]);
  runAs(join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  runAs(join(bin, "pg_ctl"), ["start", "-D", data, "-w", "-l", join(base, "log"), "-o", `-h 127.0.0.1 -p ${port} -k ${base} -c fsync=off -c max_connections=200`]);
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    adminUrl,
    createDatabase: postgresClusterAt(adminUrl).createDatabase,
    async stop() {
      try {
        runAs(join(bin, "pg_ctl"), ["stop", "-D", data, "-m", "immediate", "-w"]);
      } finally {
        rmSync(base, { recursive: true, force: true });
      }
    },
  };
}

/** The key under which {@link postgresGlobalSetup} provides the cluster's admin URL to test files. */
const PROVIDED_KEY = "postgresAdminUrl";

/**
 * A vitest global setup that starts one throwaway cluster for a whole test run (initdb is the
 * slow part) and stops it afterwards; test files reach it with {@link sharedPostgresCluster}.
 * Use it as the default export of the file `globalSetup` names.
 *
 * @example
 * ```ts
 * // src/__fixtures__/global-postgres.ts
 * export { postgresGlobalSetup as default } from "@mcp-verticals/core/testing";
 * ```
 * @category Testing
 */
export async function postgresGlobalSetup(project: { provide(key: string, value: string): void }): Promise<() => Promise<void>> {
  if (!postgresAvailable()) {
    project.provide(PROVIDED_KEY, "");
    return async () => {};
  }
  const cluster = await startPostgresCluster();
  project.provide(PROVIDED_KEY, cluster.adminUrl);
  return () => cluster.stop();
}

/**
 * The cluster {@link postgresGlobalSetup} started for this test run, or one of this file's own
 * when the file runs without that setup (stop it in both cases: stopping a shared one is a no-op).
 *
 * @example
 * ```ts
 * const cluster = await sharedPostgresCluster();
 * const url = await cluster.createDatabase("replicas");
 * ```
 * @category Testing
 */
export async function sharedPostgresCluster(): Promise<PostgresTestCluster> {
  const { inject } = (await import("vitest")) as unknown as { inject(key: string): unknown };
  const shared = inject(PROVIDED_KEY);
  if (typeof shared === "string" && shared !== "") return postgresClusterAt(shared);
  return startPostgresCluster();
}
