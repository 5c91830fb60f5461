import { approvalsSubcommand } from "../approval/cli-approvals.js";
import type { StateStore } from "../state/state-store.js";
import type { ServerCliOptions } from "./cli.js";
import { auditSubcommand } from "./cli-audit.js";

/**
 * What an operator subcommand receives: its own arguments (after its name, without
 * `--state`/`--postgres`), the shared state those flags opened, and the bin's options.
 *
 * @example
 * ```ts
 * const run = async ({ argv, state, print }: CliSubcommandInput) => {
 *   print(JSON.stringify(await state.list("approvals", { limit: Number(argv[0] ?? 20) })));
 *   return 0;
 * };
 * ```
 * @category Server
 */
export interface CliSubcommandInput {
  readonly argv: string[];
  readonly state: StateStore;
  /** Status and error lines (stderr by default). */
  readonly log: (line: string) => void;
  /** Results (stdout). */
  readonly print: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly options: ServerCliOptions;
}

/**
 * An operator command every bin runs on its shared state instead of serving:
 * `mcp-<vertical> <name> [args] [--state <file> | --postgres <url>]`.
 *
 * @example
 * ```ts
 * registerCliSubcommand({ name: "state-info", summary: "Print where the state lives.", run: async ({ state, print }) => { print(state.engine); return 0; } });
 * ```
 * @category Server
 */
export interface CliSubcommand {
  /** Lower-case word, e.g. `approvals`. */
  readonly name: string;
  /** One line for the bin's `--help`; a function of the bin when it names the bin's own defaults. */
  readonly summary: string | ((bin: Pick<ServerCliOptions, "command" | "auditLog">) => string);
  /** Runs the command; resolves the process exit code. */
  run(input: CliSubcommandInput): Promise<number>;
}

// Core's own operator commands: each lives in its own file and is listed here.
const BUILT_IN_SUBCOMMANDS: CliSubcommand[] = [auditSubcommand, approvalsSubcommand];

const registry = new Map<string, CliSubcommand>(BUILT_IN_SUBCOMMANDS.map((subcommand) => [subcommand.name, subcommand]));

/**
 * Adds an operator subcommand to every bin started in this process (core registers its own).
 *
 * @example
 * ```ts
 * registerCliSubcommand({ name: "state-info", summary: "Print the state engine.", run: async ({ state, print }) => (print(state.engine), 0) });
 * ```
 * @throws TypeError for a bad name or one already registered.
 * @category Server
 */
export function registerCliSubcommand(subcommand: CliSubcommand): void {
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(subcommand.name)) throw new TypeError("subcommand names are lower-case words (a-z, 0-9, -)");
  if (registry.has(subcommand.name)) throw new TypeError(`the subcommand "${subcommand.name}" is already registered`);
  registry.set(subcommand.name, subcommand);
}

/** The registered subcommands, by name. */
export function cliSubcommands(): ReadonlyMap<string, CliSubcommand> {
  return registry;
}
