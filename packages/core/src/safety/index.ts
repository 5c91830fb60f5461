/**
 * Safety primitives for MCP servers in regulated domains (healthcare, finance, education):
 * tamper-evident audit trails, approvals bound to exact arguments, idempotent side effects,
 * bounded and signed paging, and fencing of untrusted text. Only Node built-ins and zod.
 *
 * @module
 */

// Deterministic serialization, digests and pseudonymous ids.
export { canonicalJson, digestOf, keyedId } from "./canonical-json.js";
export { MIN_SECRET_BYTES } from "./secret-key.js";

// Hash-chained audit trail.
export {
  GENESIS_HASH,
  createAuditTrail,
  fileAuditSink,
  memoryAuditSink,
  verifyAuditChain,
  verifyAuditFile,
} from "./audit-trail.js";
export type {
  AuditChainVerdict,
  AuditDetail,
  AuditEntryInput,
  AuditOutcome,
  AuditRecord,
  AuditSink,
  AuditTrail,
  AuditTrailOptions,
  FileAuditSinkOptions,
} from "./audit-trail.js";
export { stateAuditSink, type StateAuditSink } from "./state-audit-sink.js";

// Approvals bound to exact arguments.
export { createApprovals, memoryApprovalLedger } from "./approvals.js";
export type { ApprovalLedger, Approvals, ApprovalsOptions, MemoryApprovalLedgerOptions, PreparedApproval } from "./approvals.js";
export { stateApprovalLedger, type StateApprovalLedgerOptions } from "./state-approval-ledger.js";

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
