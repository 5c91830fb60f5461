import { userInfo } from "node:os";
import { ExtensionError } from "../errors.js";
import type { StateStore } from "../state/state-store.js";
import type { ApprovalRecord } from "./approval-record.js";
import { decideApproval, getApproval, listApprovals } from "./approval-store.js";

/**
 * Options for {@link runApprovalsCommand}.
 * @category Approval
 */
export interface ApprovalsCommandOptions {
  /** The same state store the server uses (file or database). */
  state: StateStore;
  /** Arguments after `approvals`: `list [--all]`, `show <id>`, `approve <id>`, `decline <id>`. */
  args: readonly string[];
  /** Where output lines go (stdout by default). */
  out?: (line: string) => void;
  /** Who is deciding, stored with the decision (default `operator:<OS user>`). */
  operator?: string;
  /** Clock in epoch ms (tests). */
  now?: () => number;
}

/**
 * Usage of the operator command, for `--help` texts.
 *
 * @example
 * ```ts
 * console.error(`usage: mcp-finance ${APPROVALS_USAGE}`);
 * ```
 * @category Approval
 */
export const APPROVALS_USAGE = "approvals list [--all] | show <id> | approve <id> | decline <id>";

function summary(record: ApprovalRecord): string {
  const firstLine = record.preview.split("\n")[0] ?? "";
  return `${record.id}  ${record.status.padEnd(8)}  ${record.binding}  expires ${new Date(record.expiresAt).toISOString()}  ${firstLine}`;
}

function details(record: ApprovalRecord): string[] {
  return [
    `approval   ${record.id}`,
    `action     ${record.binding}`,
    `status     ${record.status}`,
    `created    ${new Date(record.createdAt).toISOString()}`,
    `expires    ${new Date(record.expiresAt).toISOString()}`,
    ...(record.decidedBy ? [`decided by ${record.decidedBy} (${record.channel})`] : []),
    ...(record.reason ? [`reason     ${record.reason}`] : []),
    "",
    record.preview,
  ];
}

/**
 * The operator's side of human approval, for deployments whose clients cannot show a form:
 * lists pending approvals, shows one, and approves or declines it in the server's own state
 * store. Run by a person at the server's command line (`mcp-finance approvals approve <id>`),
 * a channel no model reaches. Resolves the process exit code: 0 done, 1 refused (unknown,
 * expired or already decided), 2 bad usage.
 *
 * @example
 * ```ts
 * const code = await runApprovalsCommand({ state, args: ["approve", "apr_0123…"] });
 * ```
 * @category Approval
 */
export async function runApprovalsCommand(options: ApprovalsCommandOptions): Promise<number> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const [verb, id, ...rest] = options.args;
  if (verb === "list") {
    const all = id === "--all";
    if ((id !== undefined && !all) || rest.length > 0) {
      out(`usage: ${APPROVALS_USAGE}`);
      return 2;
    }
    const records = await listApprovals(options.state, { ...(all ? {} : { status: "pending" as const }), now: now() });
    if (records.length === 0) out(all ? "no approvals" : "no pending approvals");
    for (const record of records) out(summary(record));
    return 0;
  }
  if ((verb !== "show" && verb !== "approve" && verb !== "decline") || id === undefined || rest.length > 0) {
    out(`usage: ${APPROVALS_USAGE}`);
    return 2;
  }
  const record = await getApproval(options.state, id, now());
  if (!record) {
    out(`no approval ${id}`);
    return 1;
  }
  if (verb === "show") {
    for (const line of details(record)) out(line);
    return 0;
  }
  try {
    const decided = await decideApproval(
      options.state,
      id,
      { decision: verb, channel: "operator-command", decidedBy: options.operator ?? `operator:${safeUserName()}` },
      now(),
    );
    out(`${decided.status} ${decided.id}: ${decided.preview.split("\n")[0] ?? ""}`);
    return 0;
  } catch (error) {
    if (!(error instanceof ExtensionError)) throw error;
    out(`${error.code}: ${error.message}`);
    return 1;
  }
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}
