import { stat } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { StateStore } from "../state/state-store.js";
import { readFileLines } from "./audit-sinks.js";
import { stateCheckpointStore } from "./audit-checkpoints.js";
import { loadAuditKey } from "./audit-key.js";
import { defaultCheckpointFile, verifyAuditTrail, type AuditChainVerdict } from "./audit-verify.js";

/**
 * The state log a shared audit chain lives in unless told otherwise (`stateAuditSink`'s default).
 * A bin's `audit verify` reads the bin's own log instead (`audit:<vertical>`, see
 * {@link AuditCommandInput.defaultLog}).
 */
export const DEFAULT_AUDIT_LOG = "audit";

/**
 * Where a bin keeps its audit chain key when neither `MCP_AUDIT_KEY` nor `MCP_AUDIT_KEY_FILE` is
 * set: `$XDG_CONFIG_HOME/mcp-verticals/<command>.audit-key` (default `~/.config/...`), i.e. in the
 * configuration directory, apart from the state directory and the log it signs.
 *
 * @example
 * ```ts
 * defaultAuditKeyFile("mcp-finance", process.env); // "/home/ana/.config/mcp-verticals/mcp-finance.audit-key"
 * ```
 * @category Safety
 */
export function defaultAuditKeyFile(command: string, env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME ? env.XDG_CONFIG_HOME : join(env.HOME ? env.HOME : homedir(), ".config");
  return join(base, "mcp-verticals", `${command.replace(/[^A-Za-z0-9._-]/g, "_")}.audit-key`);
}

/**
 * What the `audit` operator command is run with.
 *
 * @example
 * ```ts
 * const code = await runAuditCommand({ command: "mcp-x", argv: ["verify", "--file", "audit.jsonl"], env: process.env, print: console.log, log: console.error });
 * ```
 * @category Safety
 */
export type AuditCommandInput = {
  /** The bin's name, e.g. `mcp-finance`: it locates the default key file. */
  command: string;
  /** Arguments after `audit`: `verify [--file <path>] [--checkpoints <path>] [--log <name>]`. */
  argv: string[];
  /** Shared state holding a chain appended through its linked log (used without `--file`). */
  state?: StateStore;
  /**
   * The state log verified when neither `--file` nor `--log` is given: the log the bin writes its
   * chain to, e.g. `audit:finance` (default {@link DEFAULT_AUDIT_LOG}).
   */
  defaultLog?: string;
  env: NodeJS.ProcessEnv;
  /** Result lines (stdout). */
  print: (line: string) => void;
  /** Error lines (stderr). */
  log: (line: string) => void;
};

function usage(command: string, defaultLog: string): string {
  return [
    `Usage: ${command} audit verify [--file <audit.jsonl>] [--checkpoints <path>] [--log <name>] [--state <file> | --postgres <url>]`,
    "  --file         Verify this JSON Lines trail (checkpoints default to <file>.checkpoints).",
    "  --checkpoints  Checkpoint file kept apart from the trail.",
    `  --log          Without --file: the state log holding the shared chain (default ${defaultLog}, where`,
    `                 ${command} writes it); its checkpoints are read from the state too.`,
    "Key: MCP_AUDIT_KEY, else the file MCP_AUDIT_KEY_FILE names, else",
    `  $XDG_CONFIG_HOME/mcp-verticals/${command}.audit-key (as the server created it).`,
    "Exit status: 0 intact, 1 tampered or unverifiable (first bad record named), 2 usage.",
  ].join("\n");
}

/**
 * The `audit verify` operator command every bin offers: checks a trail's keyed chain and its
 * signed checkpoints, prints the verdict naming at most the first bad record's line, seq and
 * binding (never record contents), and resolves the exit status.
 *
 * @example
 * ```ts
 * process.exitCode = await runAuditCommand({ command: "mcp-x", argv: ["verify", "--file", "audit.jsonl"], env: process.env, print: console.log, log: console.error });
 * ```
 * @category Safety
 */
export async function runAuditCommand(input: AuditCommandInput): Promise<number> {
  const defaultLog = input.defaultLog ?? DEFAULT_AUDIT_LOG;
  const help = usage(input.command, defaultLog);
  const [verb, ...rest] = input.argv;
  if (verb !== "verify") {
    input.log(verb === undefined || verb === "--help" || verb === "-h" ? help : `unknown audit command "${printable(verb)}"\n${help}`);
    return verb === "--help" || verb === "-h" ? 0 : 2;
  }
  let values: { file?: string; checkpoints?: string; log?: string; help?: boolean };
  try {
    values = parseArgs({
      args: rest,
      options: { file: { type: "string" }, checkpoints: { type: "string" }, log: { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }).values as typeof values;
  } catch (error) {
    input.log(`${(error as Error).message}\n${help}`);
    return 2;
  }
  if (values.help) {
    input.log(help);
    return 0;
  }

  let described: string;
  let verdict: AuditChainVerdict;
  try {
    if (values.file !== undefined) {
      const file = values.file;
      described = file;
      if (!(await exists(file))) {
        input.print(`audit trail NOT verified: ${file} does not exist`);
        return 1;
      }
      const { key } = loadAuditKey({ env: input.env, file: defaultAuditKeyFile(input.command, input.env) });
      const checkpoints = values.checkpoints ?? defaultCheckpointFile(file);
      verdict = await verifyAuditTrail({ lines: readFileLines(file), checkpoints: readFileLines(checkpoints) }, { chainKey: key });
    } else {
      if (input.state === undefined) {
        input.log(`no trail to verify: give --file <audit.jsonl>, or the shared state holding the chain\n${help}`);
        return 2;
      }
      const log = values.log ?? defaultLog;
      described = `state log "${printable(log)}" (${input.state.engine})`;
      const { key } = loadAuditKey({ env: input.env, file: defaultAuditKeyFile(input.command, input.env) });
      verdict = await verifyAuditTrail({ lines: stateLogLines(input.state, log), checkpoints: stateCheckpointStore(input.state, log).readAll() }, { chainKey: key });
      if (verdict.ok && verdict.count === 0) {
        input.print(`audit trail NOT verified: ${described} holds no records and no checkpoints (wrong --state/--postgres or --log, or give --file)`);
        return 1;
      }
    }
  } catch (error) {
    // Key and I/O problems carry no record content; their messages say what to configure.
    input.print(`audit trail NOT verified: ${(error as Error).message}`);
    return 1;
  }

  if (verdict.ok) {
    const anchoring =
      verdict.unanchored === 0
        ? `all anchored by a signed checkpoint${verdict.anchoredAt ? ` of ${verdict.anchoredAt}` : ""}`
        : `${verdict.anchored} anchored by a signed checkpoint, ${verdict.unanchored} written after it (intact but not yet anchored)`;
    input.print(`audit trail intact: ${described}: ${verdict.count} records, ${anchoring}`);
    return 0;
  }
  const where = [
    verdict.line === undefined ? undefined : `line ${verdict.line}`,
    verdict.seq === undefined ? undefined : `seq ${verdict.seq}`,
    verdict.binding === undefined ? undefined : `binding ${verdict.binding}`,
  ].filter((part) => part !== undefined);
  input.print(`audit trail NOT intact: ${described}: ${where.length > 0 ? `first bad record at ${where.join(", ")}: ` : ""}${verdict.reason}`);
  return 1;
}

/** Pages through a state log, yielding each entry as the line it stands for. */
async function* stateLogLines(state: StateStore, log: string): AsyncIterable<string> {
  let afterSeq = 0;
  for (;;) {
    const page = await state.readLog<unknown>(log, { afterSeq, limit: 1000 });
    for (const item of page) yield typeof item.entry === "string" ? item.entry : JSON.stringify(item.entry);
    if (page.length < 1000) return;
    afterSeq = page.at(-1)!.seq;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function printable(value: string): string {
  return /^[A-Za-z0-9._:/-]{1,100}$/.test(value) ? value : "(unprintable)";
}
