import type { StateStore } from "../state/state-store.js";

/**
 * The human channels a deployment offers besides the client's own forms, registered by the
 * serving layer for the state store the approvals live in.
 *
 * @example
 * ```ts
 * registerApprovalChannels(state, { pageBaseUrl: "http://127.0.0.1:3000/approvals/" });
 * ```
 * @category Approval
 */
export interface ApprovalChannels {
  /** Base URL of the approval page (`<base><id>`), served with an operator credential. */
  pageBaseUrl?: string;
  /** The operator command, e.g. `mcp-finance approvals --state finance.db`, working on the same store. */
  operatorCommand?: string;
}

const registered = new WeakMap<StateStore, ApprovalChannels>();

/**
 * Records which out-of-band channels reach the approvals in `state`: `serveHttp` registers its
 * approval page when an operator credential is configured, the CLI registers its `approvals`
 * command when the store is shared through a file or database. Tools then name them in
 * "approval pending" results.
 *
 * @example
 * ```ts
 * registerApprovalChannels(state, { operatorCommand: "mcp-finance approvals --state finance.db" });
 * ```
 * @category Approval
 */
export function registerApprovalChannels(state: StateStore, channels: ApprovalChannels): void {
  registered.set(state, { ...registered.get(state), ...channels });
}

/**
 * The out-of-band channels registered for `state` (empty when none).
 *
 * @example
 * ```ts
 * const { pageBaseUrl } = approvalChannels(state);
 * ```
 * @category Approval
 */
export function approvalChannels(state: StateStore): ApprovalChannels {
  return registered.get(state) ?? {};
}
