import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A throwaway PostgreSQL cluster for tests: its own data directory, 127.0.0.1, a free port, trust auth. */
export interface TestCluster {
  /** A URL for a fresh database in the cluster. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const VERSIONS = ["17", "16", "15", "14", "13"];

/** The directory holding initdb and pg_ctl, or undefined when PostgreSQL is not installed. */
export function postgresBinDir(): string | undefined {
  if (process.env.PG_BIN_DIR && existsSync(join(process.env.PG_BIN_DIR, "initdb"))) return process.env.PG_BIN_DIR;
  for (const version of VERSIONS) {
    const dir = `/usr/lib/postgresql/${version}/bin`;
    if (existsSync(join(dir, "initdb"))) return dir;
  }
  return undefined;
}

/** Whether PostgreSQL tests can run; under CI a missing installation is a failure, not a skip. */
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

/** A cluster on an existing server: databases are created through the admin URL; stopping is the owner's job. */
export function clusterAt(adminUrl: string): TestCluster {
  return {
    async createDatabase(name) {
      const pg = (await import("pg")).default;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`CREATE DATABASE "${name}"`);
      await client.end();
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async stop() {},
  };
}

/**
 * The cluster the vitest global setup started for this run (one initdb for all test files), or a
 * cluster of this file's own when run outside that setup.
 */
export async function startTestCluster(): Promise<TestCluster> {
  const { inject } = await import("vitest");
  const shared = inject("postgresAdminUrl");
  if (shared) return clusterAt(shared);
  return startOwnCluster();
}

/** Creates and starts a cluster in a temp directory; `stop()` stops it and removes the directory. */
export async function startOwnCluster(): Promise<TestCluster & { adminUrl: string }> {
  const bin = postgresBinDir();
  if (!bin) throw new Error("PostgreSQL is not installed");
  const base = mkdtempSync(join(tmpdir(), "finance-pg-"));
  chmodSync(base, 0o777);
  const data = join(base, "data");
  if (process.getuid?.() === 0) execFileSync("chown", ["postgres:postgres", base]);
  runAs(join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  runAs(join(bin, "pg_ctl"), [
    "start",
    "-D",
    data,
    "-w",
    "-l",
    join(base, "log"),
    "-o",
    `-h 127.0.0.1 -p ${port} -k ${base} -c fsync=off -c max_connections=200`,
  ]);
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    adminUrl,
    createDatabase: clusterAt(adminUrl).createDatabase,
    async stop() {
      try {
        runAs(join(bin, "pg_ctl"), ["stop", "-D", data, "-m", "immediate", "-w"]);
      } finally {
        rmSync(base, { recursive: true, force: true });
      }
    },
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    /** Admin URL of the PostgreSQL cluster the global setup started; empty when PostgreSQL is absent. */
    postgresAdminUrl: string;
  }
}
