/**
 * @mcp-verticals/core/testing: connect the official client to a server factory in either
 * protocol era, and check an extension against the conformance rules.
 *
 * @packageDocumentation
 */
export { connectInProcess, MODERN_PROTOCOL_VERSION, type ConnectInProcessOptions, type InProcessConnection } from "./connect.js";
export {
  runConformance,
  CONFORMANCE_RULES,
  type ConformanceRuleId,
  type ConformanceResult,
  type ConformanceReport,
  type ConformanceOptions,
} from "./conformance.js";
export {
  startPostgresCluster,
  postgresClusterAt,
  postgresAvailable,
  postgresBinDir,
  postgresGlobalSetup,
  sharedPostgresCluster,
  type PostgresTestCluster,
} from "./postgres-cluster.js";
export { AUDIT_TAMPERINGS, runAuditVerifyOnTamperings, type AuditVerifyOutcome } from "./audit-tampering.js";
export { startReplicas, type StartReplicasOptions, type Replica, type ReplicaSet } from "./replicas.js";
export { startServerProcess, type StartServerProcessOptions, type ServerProcess } from "./server-process.js";
export { callToolWithRetry, type CallToolWithRetryOptions, type RetriedToolResult } from "./retrying-call.js";
export { startHttpBin, type StartHttpBinOptions, type HttpBin } from "./http-bin.js";
export { connectHttp, type ConnectHttpOptions, type HttpConnection } from "./connect-http.js";
export { waitForTask, recordProgress, increasingProblem, type ProgressRecorder } from "./task-probes.js";
export { holdNextCall, type HeldCall } from "./hold-call.js";
export { lockTable, type TableLock, type LockWaiter } from "./table-lock.js";
