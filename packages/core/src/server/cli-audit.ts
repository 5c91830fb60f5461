import { runAuditCommand } from "../safety/audit-command.js";
import type { CliSubcommand } from "./cli-subcommands.js";

/**
 * `mcp-<vertical> audit verify [--file <audit.jsonl>]`: checks an audit trail's keyed chain and
 * its signed checkpoints (a file trail, or the chain replicas share in the state store) and exits
 * 0 when intact, 1 naming the first bad record by line, seq and binding only.
 *
 * @example
 * ```sh
 * mcp-healthcare audit verify --file /var/log/mcp/audit.jsonl
 * mcp-finance audit verify --postgres "$DATABASE_URL"
 * ```
 * @category Server
 */
export const auditSubcommand: CliSubcommand = {
  name: "audit",
  summary: "audit verify [--file <path>]: check the audit trail's keyed chain and signed checkpoints (exit 0 intact, 1 not).",
  run: ({ argv, state, env, print, log, options }) => runAuditCommand({ command: options.command, argv, state, env, print, log }),
};
