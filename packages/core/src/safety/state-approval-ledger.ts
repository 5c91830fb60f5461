import type { StateStore } from "../state/state-store.js";
import type { ApprovalLedger } from "./approvals.js";

/**
 * Options for {@link stateApprovalLedger}.
 *
 * @example
 * ```ts
 * const options: StateApprovalLedgerOptions = { namespace: "finance-approvals", clockSkewMs: 60_000 };
 * ```
 * @category Safety
 */
export interface StateApprovalLedgerOptions {
  /** Namespace of the spent-approval records (default `approval-ledger`). */
  namespace?: string;
  /**
   * How long past the token's expiry a spent id is kept (default 5 minutes), so a replica whose
   * clock runs behind still finds it while it still accepts the token.
   */
  clockSkewMs?: number;
}

type Spent = { status: "used" | "declined" };

/**
 * An {@link ApprovalLedger} on shared state: every replica on the same store sees an approval
 * spent (or declined) by any other, so an approval is single-use across all of them. The first
 * use is a compare-and-set create, which exactly one caller wins.
 *
 * @example
 * ```ts
 * const approvals = createApprovals({ secret, ledger: stateApprovalLedger(state) });
 * ```
 * @category Safety
 */
export function stateApprovalLedger(state: StateStore, options: StateApprovalLedgerOptions = {}): Required<ApprovalLedger> {
  const namespace = options.namespace ?? "approval-ledger";
  const skew = options.clockSkewMs ?? 5 * 60_000;
  const mark = (approvalId: string, status: Spent["status"], expiresAt: number) =>
    state.put<Spent>(namespace, approvalId, { status }, { expectVersion: 0, expiresAt: expiresAt + skew });
  return {
    async consume(approvalId, expiresAt) {
      return (await mark(approvalId, "used", expiresAt)) !== undefined;
    },
    async decline(approvalId, expiresAt) {
      if ((await mark(approvalId, "declined", expiresAt)) !== undefined) return true;
      return (await state.get<Spent>(namespace, approvalId))?.value.status === "declined";
    },
    async isDeclined(approvalId) {
      return (await state.get<Spent>(namespace, approvalId))?.value.status === "declined";
    },
  };
}
