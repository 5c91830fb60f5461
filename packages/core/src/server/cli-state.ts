import { homedir } from "node:os";
import { join } from "node:path";
import { openStateStore } from "../state/open-store.js";
import type { StateStore } from "../state/state-store.js";
import { CliUsageError } from "./cli-usage-error.js";

/** The shared-state flags every bin and every subcommand accepts. */
export const STATE_FLAGS = {
  state: { type: "string" },
  postgres: { type: "string" },
} as const;

/** `--help` rows for {@link STATE_FLAGS}. */
export function stateHelpRows(command: string): [string, string][] {
  return [
    ["--state <file|memory:>", `SQLite file holding approvals, idempotency keys, audit appends and counters (default $XDG_STATE_HOME/mcp-verticals/${command}.sqlite); memory: keeps them in this process only.`],
    ["--postgres <url>", "PostgreSQL URL for the same state, shared by every replica (wins over --state; also DATABASE_URL)."],
  ];
}

/**
 * The default SQLite state file of a command: `$XDG_STATE_HOME/mcp-verticals/<command>.sqlite`,
 * else `~/.local/state/mcp-verticals/<command>.sqlite`.
 *
 * @example
 * ```ts
 * defaultStateFile("mcp-finance", process.env); // "/home/ana/.local/state/mcp-verticals/mcp-finance.sqlite"
 * ```
 * @category Server
 */
export function defaultStateFile(command: string, env: NodeJS.ProcessEnv): string {
  const base = env.XDG_STATE_HOME ? env.XDG_STATE_HOME : join(env.HOME ? env.HOME : homedir(), ".local", "state");
  return join(base, "mcp-verticals", `${command.replace(/[^A-Za-z0-9._-]/g, "_")}.sqlite`);
}

/** Opens the state a command line names: `--postgres`, then `DATABASE_URL`, then `--state`, then the default file. */
export async function openCliState(
  values: { state?: unknown; postgres?: unknown },
  env: NodeJS.ProcessEnv,
  command: string,
): Promise<{ state: StateStore; where: string }> {
  const postgres = typeof values.postgres === "string" && values.postgres !== "" ? values.postgres : env.DATABASE_URL || undefined;
  const file = typeof values.state === "string" && values.state !== "" ? stateTarget(values.state) : defaultStateFile(command, env);
  try {
    if (postgres !== undefined) {
      if (!/^postgres(ql)?:\/\//i.test(postgres)) throw new Error("--postgres and DATABASE_URL expect a postgres:// or postgresql:// URL");
      // The URL may carry a password: name only the host.
      return { state: await openStateStore({ url: postgres }), where: `PostgreSQL at ${safeHost(postgres)}` };
    }
    const state = await openStateStore({ file });
    return { state, where: state.engine === "memory" ? "memory (this process only)" : `SQLite at ${file}` };
  } catch (error) {
    throw new Error(`could not open the shared state: ${(error as Error).message}`);
  }
}

/**
 * What `--state` names, exactly as `--help` documents it: `memory:` (this process only) or a
 * SQLite file path. Values that read like an in-memory request but are not `memory:` (`memory`,
 * `:memory:`, `memory:x`, any case) or like a URL would otherwise open a file of that name, so
 * they are refused; `./memory` names a file called `memory`.
 */
export function stateTarget(value: string): string {
  if (value === "memory:") return value;
  const field = "--state";
  if (/^:?memory(:.*)?$/i.test(value)) {
    throw new CliUsageError(`--state ${JSON.stringify(value)} is ambiguous: write --state memory: for state kept in this process only, or --state ./${value} for a file of that name.`, { field });
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) && !/^[a-z]:[\\/]/i.test(value)) {
    throw new CliUsageError(`--state expects a SQLite file path or memory:, got a URL; a PostgreSQL URL goes in --postgres or DATABASE_URL.`, { field });
  }
  return value;
}

function safeHost(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ""}${parsed.pathname}`;
  } catch {
    return "the given URL";
  }
}

/** Takes `--state`/`--postgres` (either `--flag value` or `--flag=value`) out of a subcommand's arguments. */
export function extractStateFlags(argv: readonly string[]): { values: { state?: string; postgres?: string }; rest: string[] } {
  const values: { state?: string; postgres?: string } = {};
  const rest: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    const match = /^--(state|postgres)(?:=(.*))?$/.exec(argument);
    if (match === null) {
      rest.push(argument);
      continue;
    }
    const name = match[1] as "state" | "postgres";
    const value = match[2] ?? argv[++index];
    if (value === undefined || value === "") throw new Error(`--${name} expects a value`);
    values[name] = value;
  }
  return { values, rest };
}
