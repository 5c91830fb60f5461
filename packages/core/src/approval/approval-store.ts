import { createHash, randomBytes } from "node:crypto";
import { ExtensionError } from "../errors.js";
import { digestOf } from "../safety/canonical-json.js";
import type { StateStore } from "../state/state-store.js";
import {
  APPROVAL_REQUESTS_NAMESPACE,
  APPROVALS_NAMESPACE,
  effectiveStatus,
  isApprovalId,
  type ApprovalChannel,
  type ApprovalRecord,
} from "./approval-record.js";

/** Decided and spent records stay readable this long after expiry (operator `list`, audits). */
const RETENTION_MS = 24 * 60 * 60_000;

/**
 * What identifies one approvable request: the action, its exact arguments and the caller.
 *
 * @example
 * ```ts
 * const subject: ApprovalSubject = { binding: "finance_execute_payment", args: { paymentId, digest }, principal: "ana" };
 * ```
 * @category Approval
 */
export interface ApprovalSubject {
  binding: string;
  args: unknown;
  principal: string | null;
}

/** The key an open approval is found under: a digest, so the index itself holds no arguments. */
function requestKey(binding: string, argsDigest: string, principal: string | null): string {
  return createHash("sha256").update(`${binding}\u0000${argsDigest}\u0000${principal ?? ""}`, "utf8").digest("hex");
}

function argsDigestOf(args: unknown): string {
  try {
    return digestOf(args);
  } catch {
    throw new ExtensionError("INVALID_ARGUMENTS", "the arguments cannot be approved because they have no exact JSON form");
  }
}

/**
 * Reads one approval; `undefined` for an unknown (or malformed) id. The returned status is
 * the effective one (past-expiry records read as `expired`).
 *
 * @example
 * ```ts
 * const record = await getApproval(state, id);
 * ```
 * @category Approval
 */
export async function getApproval(state: StateStore, id: string, now: number = Date.now()): Promise<ApprovalRecord | undefined> {
  if (!isApprovalId(id)) return undefined;
  const record = await state.get<ApprovalRecord>(APPROVALS_NAMESPACE, id);
  if (!record) return undefined;
  return { ...record.value, status: effectiveStatus(record.value, now) };
}

/**
 * Lists approvals (all, or only those with the given status), oldest id first, at most 1000.
 *
 * @example
 * ```ts
 * const pending = await listApprovals(state, { status: "pending" });
 * ```
 * @category Approval
 */
export async function listApprovals(
  state: StateStore,
  options: { status?: ApprovalRecord["status"]; now?: number } = {},
): Promise<ApprovalRecord[]> {
  const now = options.now ?? Date.now();
  const out: ApprovalRecord[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await state.list<ApprovalRecord>(APPROVALS_NAMESPACE, { limit: 500, ...(after ? { after } : {}) });
    for (const record of page) {
      const value = { ...record.value, status: effectiveStatus(record.value, now) };
      if (options.status === undefined || value.status === options.status) out.push(value);
    }
    if (page.length < 500 || out.length >= 1000) break;
    after = page[page.length - 1]!.key;
  }
  return out.slice(0, 1000).sort((a, b) => a.createdAt - b.createdAt);
}

/**
 * Finds the approval open for exactly this request (pending, approved or declined and not yet
 * reported), or `undefined` when there is none.
 */
export async function findOpenApproval(state: StateStore, subject: ApprovalSubject, now: number): Promise<ApprovalRecord | undefined> {
  const argsDigest = argsDigestOf(subject.args);
  const index = await state.get<{ id: string }>(APPROVAL_REQUESTS_NAMESPACE, requestKey(subject.binding, argsDigest, subject.principal));
  if (!index) return undefined;
  const record = await getApproval(state, index.value.id, now);
  if (!record || record.binding !== subject.binding || record.argsDigest !== argsDigest || record.principal !== subject.principal) return undefined;
  return record.status === "pending" || record.status === "approved" || record.status === "declined" ? record : undefined;
}

/**
 * Returns the approval open for this request, creating a pending one when there is none, so
 * repeated calls with the same arguments share one approval the human decides once.
 */
export async function openApproval(
  state: StateStore,
  subject: ApprovalSubject & { preview: string; ttlMs: number },
  now: number,
): Promise<ApprovalRecord> {
  const argsDigest = argsDigestOf(subject.args);
  const key = requestKey(subject.binding, argsDigest, subject.principal);
  for (let attempt = 0; attempt < 10; attempt++) {
    const existing = await findOpenApproval(state, subject, now);
    if (existing) return existing;
    const index = await state.get<{ id: string }>(APPROVAL_REQUESTS_NAMESPACE, key);
    const record: ApprovalRecord = {
      id: `apr_${randomBytes(16).toString("hex")}`,
      binding: subject.binding,
      argsDigest,
      principal: subject.principal,
      preview: subject.preview,
      status: "pending",
      createdAt: now,
      expiresAt: now + subject.ttlMs,
    };
    await state.put(APPROVALS_NAMESPACE, record.id, record, { expectVersion: 0, expiresAt: record.expiresAt + RETENTION_MS });
    // Claim the index with compare-and-set: of two racing callers one wins, the other reuses its record.
    const claimed = await state.put(APPROVAL_REQUESTS_NAMESPACE, key, { id: record.id }, { expectVersion: index?.version ?? 0, expiresAt: record.expiresAt + RETENTION_MS });
    if (claimed) return record;
    await state.delete(APPROVALS_NAMESPACE, record.id);
  }
  throw new Error("could not open an approval: the request index kept changing");
}

/**
 * Stops reporting a decided approval for its request, so the next call with the same
 * arguments opens a fresh one (after a decline has been reported once).
 */
export async function closeApprovalRequest(state: StateStore, record: ApprovalRecord): Promise<void> {
  const key = requestKey(record.binding, record.argsDigest, record.principal);
  const index = await state.get<{ id: string }>(APPROVAL_REQUESTS_NAMESPACE, key);
  if (index?.value.id === record.id) await state.delete(APPROVAL_REQUESTS_NAMESPACE, key, { expectVersion: index.version });
}

/**
 * A human's decision on one approval.
 * @category Approval
 */
export interface ApprovalDecision {
  decision: "approve" | "decline";
  channel: ApprovalChannel;
  /** Who decided (e.g. `operator`, `client user`); stored with the record. */
  decidedBy: string;
  /**
   * What the decision was shown: a decision arriving in an answer to a form round is checked
   * against the round's own binding and arguments, so it can never land on another item.
   */
  expect?: { binding: string; argsDigest: string };
}

/**
 * Records a human's decision on a pending approval with compare-and-set: the record must be
 * pending, unexpired and (when `expect` is given) for that binding and those arguments;
 * otherwise nothing changes and a typed error says why.
 *
 * @example
 * ```ts
 * await decideApproval(state, id, { decision: "approve", channel: "operator-command", decidedBy: "operator" });
 * ```
 * @throws ExtensionError `APPROVAL_NOT_FOUND`, `APPROVAL_EXPIRED`, `APPROVAL_NOT_PENDING` or `APPROVAL_MISMATCH`.
 * @category Approval
 */
export async function decideApproval(state: StateStore, id: string, decision: ApprovalDecision, now: number = Date.now()): Promise<ApprovalRecord> {
  if (!isApprovalId(id)) throw new ExtensionError("APPROVAL_NOT_FOUND", "no approval with that id", { field: "id" });
  for (let attempt = 0; attempt < 10; attempt++) {
    const stored = await state.get<ApprovalRecord>(APPROVALS_NAMESPACE, id);
    if (!stored) throw new ExtensionError("APPROVAL_NOT_FOUND", "no approval with that id", { field: "id" });
    const record = stored.value;
    if (decision.expect && (decision.expect.binding !== record.binding || decision.expect.argsDigest !== record.argsDigest)) {
      throw new ExtensionError("APPROVAL_MISMATCH", "this decision was given for another request; nothing was changed");
    }
    const status = effectiveStatus(record, now);
    if (status === "expired") throw new ExtensionError("APPROVAL_EXPIRED", "the approval expired before it was decided; the action must be requested again");
    if (status !== "pending") throw new ExtensionError("APPROVAL_NOT_PENDING", `the approval is already ${status}; nothing was changed`);
    const next: ApprovalRecord = {
      ...record,
      status: decision.decision === "approve" ? "approved" : "declined",
      channel: decision.channel,
      decidedBy: decision.decidedBy,
      decidedAt: now,
    };
    if (await state.put(APPROVALS_NAMESPACE, id, next, { expectVersion: stored.version, expiresAt: stored.expiresAt })) return next;
  }
  throw new Error("could not record the decision: the approval kept changing");
}

/**
 * Spends an approved approval once (compare-and-set approved → consumed); resolves false when
 * it is not (or no longer) approved, e.g. because another replica spent it first.
 */
export async function consumeApproval(state: StateStore, record: ApprovalRecord, now: number): Promise<boolean> {
  const stored = await state.get<ApprovalRecord>(APPROVALS_NAMESPACE, record.id);
  if (!stored || effectiveStatus(stored.value, now) !== "approved" || stored.value.argsDigest !== record.argsDigest) return false;
  const next: ApprovalRecord = { ...stored.value, status: "consumed", consumedAt: now };
  const written = await state.put(APPROVALS_NAMESPACE, record.id, next, { expectVersion: stored.version, expiresAt: stored.expiresAt });
  if (!written) return false;
  await closeApprovalRequest(state, record);
  return true;
}

/**
 * Withdraws the approval open for a request (e.g. the payment was cancelled): a pending or
 * approved record becomes `expired` with the reason, so nobody can approve or spend it.
 *
 * @example
 * ```ts
 * await withdrawApproval(state, { binding: "finance_execute_payment", args, principal }, "the payment was cancelled");
 * ```
 * @category Approval
 */
export async function withdrawApproval(state: StateStore, subject: ApprovalSubject, reason: string, now: number = Date.now()): Promise<boolean> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const open = await findOpenApproval(state, subject, now);
    if (!open) return false;
    const stored = await state.get<ApprovalRecord>(APPROVALS_NAMESPACE, open.id);
    if (!stored) return false;
    if (stored.value.status !== "pending" && stored.value.status !== "approved") {
      await closeApprovalRequest(state, open);
      return false;
    }
    const next: ApprovalRecord = { ...stored.value, status: "expired", reason };
    if (await state.put(APPROVALS_NAMESPACE, open.id, next, { expectVersion: stored.version, expiresAt: stored.expiresAt })) {
      await closeApprovalRequest(state, open);
      return true;
    }
  }
  return false;
}
