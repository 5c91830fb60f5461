/**
 * The server-side record of one request for a human's approval. It lives in shared state
 * (namespace {@link APPROVALS_NAMESPACE}), never in anything the model can hand back: the
 * decision is written only by a channel the model cannot drive (the client's own form, the
 * approval page with an operator credential, the operator command).
 */

/**
 * Namespace of pending-approval records in the state store.
 *
 * @example
 * ```ts
 * const pending = await state.list(APPROVALS_NAMESPACE, { limit: 50 });
 * ```
 * @category Approval
 */
export const APPROVALS_NAMESPACE = "approvals";

/** Namespace mapping (binding, arguments, principal) to the approval currently open for them. */
export const APPROVAL_REQUESTS_NAMESPACE = "approval-requests";

/**
 * Where an approval stands.
 * - `pending`: waiting for a human;
 * - `approved` / `declined`: a human decided, nothing ran yet;
 * - `consumed`: the approved action ran (an approval is spent once);
 * - `expired`: nobody decided (or the approval was not used) in time, or the action was withdrawn.
 * @category Approval
 */
export type ApprovalStatus = "pending" | "approved" | "declined" | "consumed" | "expired";

/**
 * The channel a decision came through.
 * - `elicitation`: a 2025-era form elicitation the client showed to its user;
 * - `input_required`: a 2026-07-28 multi-round-trip form answered by the client's user;
 * - `approval-page`: the server's own page, with the operator credential;
 * - `operator-command`: the `approvals` subcommand of the server's command line.
 * @category Approval
 */
export type ApprovalChannel = "elicitation" | "input_required" | "approval-page" | "operator-command";

/**
 * One pending (or decided) approval, as stored.
 *
 * @example
 * ```ts
 * const record = await getApproval(state, "apr_3f2a…");
 * if (record?.status === "pending") console.log(record.preview);
 * ```
 * @category Approval
 */
export interface ApprovalRecord {
  /** `apr_` + 32 hex characters; names the approval in the page URL and the operator command. */
  readonly id: string;
  /** The action it approves, e.g. `finance_execute_payment`. */
  readonly binding: string;
  /** SHA-256 of the canonical arguments the approval covers; any other arguments need another approval. */
  readonly argsDigest: string;
  /** The authenticated caller the approval was requested for (`null` without authentication). */
  readonly principal: string | null;
  /** What the human approves, rendered by the server from verified data (model-supplied text fenced). */
  readonly preview: string;
  readonly status: ApprovalStatus;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms after which a pending or approved record counts as expired. */
  readonly expiresAt: number;
  /** Who decided: the client's user, or the operator. */
  readonly decidedBy?: string;
  readonly channel?: ApprovalChannel;
  /** Epoch ms of the decision. */
  readonly decidedAt?: number;
  /** Epoch ms the approved action ran. */
  readonly consumedAt?: number;
  /** Why it expired early (e.g. the payment was cancelled). */
  readonly reason?: string;
}

/** Whether an id has the shape approvals are minted with (checked before any state lookup). */
export function isApprovalId(value: unknown): value is string {
  return typeof value === "string" && /^apr_[0-9a-f]{32}$/.test(value);
}

/** The status as of `now`: pending and approved records past their expiry read as expired. */
export function effectiveStatus(record: ApprovalRecord, now: number): ApprovalStatus {
  if ((record.status === "pending" || record.status === "approved") && now >= record.expiresAt) return "expired";
  return record.status;
}
