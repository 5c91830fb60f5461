import { runAuditCommand } from "../safety/audit-command.js";
import type { ServerCliOptions } from "./cli.js";
import type { CliSubcommand } from "./cli-subcommands.js";

/**
 * The state log a bin's audit chain lives in: {@link ServerCliOptions.auditLog}, else
 * `audit:<command without its mcp- prefix>` (`mcp-finance` → `audit:finance`).
 *
 * @example
 * ```ts
 * binAuditLog({ command: "mcp-healthcare" }); // "audit:healthcare"
 * ```
 * @category Server
 */
export function binAuditLog(options: Pick<ServerCliOptions, "command" | "auditLog">): string {
  return options.auditLog ?? `audit:${options.command.replace(/^mcp-/, "")}`;
}

/**
 * `mcp-<vertical> audit verify [--file <audit.jsonl> | --log <name>]`: checks an audit trail's keyed
 * chain and its signed checkpoints (a file trail, or the chain replicas share in the state store;
 * by default the bin's own state log, see {@link binAuditLog}) and exits 0 when intact, 1 naming the
 * first bad record by line, seq and binding only.
 *
 * @example
 * ```sh
 * mcp-finance audit verify --postgres "$DATABASE_URL"        # the audit:finance log
 * mcp-healthcare audit verify --file /var/log/mcp/audit.jsonl
 * ```
 * @category Server
 */
export const auditSubcommand: CliSubcommand = {
  name: "audit",
  summary: (bin) =>
    `audit verify [--file <path> | --log <name>]: check the audit trail's keyed chain and signed checkpoints (default: the ${binAuditLog(bin)} log of the state; exit 0 intact, 1 not).`,
  run: ({ argv, state, env, print, log, options }) => runAuditCommand({ command: options.command, argv, state, env, print, log, defaultLog: binAuditLog(options) }),
};
