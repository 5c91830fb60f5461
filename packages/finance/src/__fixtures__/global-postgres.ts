import type { TestProject } from "vitest/node";
import { postgresAvailable, startOwnCluster } from "./postgres-cluster.js";

/** Starts one throwaway PostgreSQL cluster for the whole test run (initdb is the slow part) and stops it afterwards. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!postgresAvailable()) {
    project.provide("postgresAdminUrl", "");
    return async () => {};
  }
  const cluster = await startOwnCluster();
  project.provide("postgresAdminUrl", cluster.adminUrl);
  return () => cluster.stop();
}
