/**
 * Safety primitives for MCP servers in regulated domains (healthcare, finance, education):
 * tamper-evident audit trails (keyed chain + signed checkpoints), approvals bound to exact arguments, idempotent side effects,
 * bounded and signed paging, and fencing of untrusted text. Only Node built-ins and zod.
 *
 * @module
 */

// Deterministic serialization, digests and pseudonymous ids.
export { canonicalJson, digestOf, keyedId } from "./canonical-json.js";
export { MIN_SECRET_BYTES } from "./secret-key.js";

// Tamper-evident audit trail: keyed chain, signed checkpoints, verification.
export { GENESIS_HASH } from "./audit-records.js";
export type { AuditDetail, AuditEntryInput, AuditOutcome, AuditRecord } from "./audit-records.js";
export { fileAuditSink, memoryAuditSink } from "./audit-sinks.js";
export type { AuditSink, FileAuditSinkOptions } from "./audit-sinks.js";
export { AUDIT_CHECKPOINT_NAMESPACE, fileCheckpointStore, memoryCheckpointStore, stateCheckpointStore } from "./audit-checkpoints.js";
export type { AuditCheckpoint, AuditCheckpointStore } from "./audit-checkpoints.js";
export { createAuditTrail } from "./audit-chain.js";
export type { AuditTrail, AuditTrailOptions } from "./audit-chain.js";
export { defaultCheckpointFile, verifyAuditChain, verifyAuditFile, verifyAuditTrail } from "./audit-verify.js";
export type { AuditChainVerdict, AuditTrailSource, AuditVerifyOptions } from "./audit-verify.js";
export { loadAuditKey } from "./audit-key.js";
export type { LoadAuditKeyOptions, LoadedAuditKey } from "./audit-key.js";
export { DEFAULT_AUDIT_LOG, defaultAuditKeyFile, runAuditCommand } from "./audit-command.js";
export type { AuditCommandInput } from "./audit-command.js";
export { stateAuditSink, type StateAuditSink } from "./state-audit-sink.js";


// Idempotent side effects.
export { createIdempotency, memoryIdempotencyBackend } from "./idempotency.js";
export { stateIdempotencyBackend, type StateIdempotencyBackendOptions } from "./state-idempotency.js";
export type {
  Idempotency,
  IdempotencyBackend,
  IdempotencyBeginResult,
  IdempotencyOptions,
  MemoryIdempotencyBackendOptions,
} from "./idempotency.js";

// Bounded output and signed paging.
export { boundPage, createCursorCodec, resolveLimit, truncateText } from "./bounded-output.js";
export type { BoundedPage, CursorCodec, CursorPosition } from "./bounded-output.js";

// Untrusted text.
export { UNTRUSTED_TEXT_NOTICE, fenceUntrustedText } from "./untrusted-text.js";
