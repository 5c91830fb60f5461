/**
 * @mcp-verticals/core/testing: connect the official client to a server factory in either
 * protocol era, check an extension against the conformance rules, and run the official MCP
 * conformance suite against a reference server with its fixture composed on.
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
export { writeAuditTrailThroughBin, runAuditVerifyOnStateTamperings, type AuditedBinCalls, type StateTamperingResults } from "./audit-bin.js";
export { startReplicas, type StartReplicasOptions, type Replica, type ReplicaSet } from "./replicas.js";
export { startReplicasOnPostgres, type StartReplicasOnPostgresOptions, type PostgresReplicaSet } from "./replicas-on-postgres.js";
export { startServerProcess, type StartServerProcessOptions, type ServerProcess } from "./server-process.js";
export { callToolWithRetry, type CallToolWithRetryOptions, type RetriedToolResult } from "./retrying-call.js";
export { startHttpBin, type StartHttpBinOptions, type HttpBin } from "./http-bin.js";
export { connectHttp, type ConnectHttpOptions, type HttpConnection } from "./connect-http.js";
export { waitForTask, recordProgress, increasingProblem, type ProgressRecorder } from "./task-probes.js";
export { holdNextCall, type HeldCall } from "./hold-call.js";
export { openApprovalPage, decideOnApprovalPage, approvalPageUrl, receivedStrings, type ApprovalPageResponse, type ApprovalDecisionOptions } from "./approval-human.js";
export { lockTable, type TableLock, type LockWaiter, type WaitForWaiterOptions } from "./table-lock.js";
export {
  installOfficialSuite,
  runOfficialSuite,
  officialSuiteSupported,
  type OfficialSuiteRequirements,
  type OfficialSuiteTools,
  type OfficialSuiteOptions,
  type OfficialSuiteRun,
} from "./official-suite.js";
export {
  readExpectedFailures,
  judgeOfficialSuite,
  formatOfficialSuiteSummary,
  officialSuiteTable,
  type OfficialSuiteCheck,
  type OfficialSuiteScenario,
  type OfficialSuiteOutcome,
  type OfficialSuiteVerdict,
} from "./official-suite-report.js";
export {
  runOfficialSuiteOnBin,
  syncedDocumentProblem,
  officialSuiteDocument,
  CONFORMANCE_FIXTURE_ADD_ON,
  expectedFailuresFile,
  type JudgedOfficialSuiteRun,
  type OfficialSuiteOnBinOptions,
  type OfficialSuiteOnBin,
} from "./official-suite-bin.js";
export { checkOfficialSuite, officialSuiteFindings, type OfficialSuiteChecks, type OfficialSuiteChecksOptions } from "./official-suite-checks.js";
export {
  createConformanceFixture,
  conformanceFixture,
  type ConformanceFixture,
  type ConformanceFixtureOptions,
} from "./conformance-fixture/fixture.js";
export { schemaPortabilityFindings, type SchemaPortabilityFinding } from "./schema-portability.js";
