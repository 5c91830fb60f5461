// Human approval: decisions recorded in server state through channels the model cannot drive.
export { APPROVALS_NAMESPACE, type ApprovalRecord, type ApprovalStatus, type ApprovalChannel } from "./approval-record.js";
export { getApproval, listApprovals, decideApproval, withdrawApproval, type ApprovalDecision, type ApprovalSubject } from "./approval-store.js";
export { renderApprovalPreview, type ApprovalPreview } from "./preview.js";
export { registerApprovalChannels, approvalChannels, type ApprovalChannels } from "./channels.js";
export {
  requireHumanApproval,
  openHumanApproval,
  withdrawHumanApproval,
  APPROVAL_INPUT_KEY,
  type HumanApprovalRequest,
  type HumanDecision,
  type OpenedApproval,
} from "./human-approval.js";
export { handleApprovalPage, APPROVAL_PAGE_PATH, type ApprovalPageOptions } from "./approval-page.js";
export { runApprovalsCommand, APPROVALS_USAGE, type ApprovalsCommandOptions } from "./operator-command.js";
export { approvalsSubcommand } from "./cli-approvals.js";
