import type { CliSubcommand } from "../server/cli-subcommands.js";
import type { StateStore } from "../state/state-store.js";
import { registerApprovalChannels } from "./channels.js";
import { APPROVALS_USAGE, runApprovalsCommand } from "./operator-command.js";

/**
 * `mcp-<vertical> approvals list|show|approve|decline`, on the state the server uses: the
 * operator's channel for deployments whose clients cannot show a form.
 *
 * @example
 * ```ts
 * // mcp-finance approvals approve apr_0123… --state finance-state.sqlite
 * ```
 * @category Approval
 */
export const approvalsSubcommand: CliSubcommand = {
  name: "approvals",
  summary: `Decide pending human approvals: ${APPROVALS_USAGE}.`,
  run: ({ argv, state, print }) => runApprovalsCommand({ state, args: argv, out: print }),
};

/**
 * Registers the operator command as an approval channel for a server's state when another
 * process can open the same store (a file or a database, not `memory:`), so tools can tell the
 * user where to decide. The command names the `--state` file when one was given; a PostgreSQL
 * URL is never repeated (it may hold a password): the operator passes it the same way.
 */
export function registerCliApprovalChannels(state: StateStore, command: string, flags: { state?: unknown; postgres?: unknown }): void {
  if (state.engine === "memory") return;
  const stateFlag = state.engine === "sqlite" && typeof flags.state === "string" && flags.state !== "" ? ` --state ${flags.state}` : "";
  registerApprovalChannels(state, { operatorCommand: `${command} approvals${stateFlag}` });
}
