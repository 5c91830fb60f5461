import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import type { Client } from "@modelcontextprotocol/client";
import { AUDIT_TAMPERINGS, type AuditVerifyOutcome } from "./audit-tampering.js";
import { connectHttp, type ConnectHttpOptions } from "./connect-http.js";
import { startHttpBin } from "./http-bin.js";

/**
 * Options for {@link writeAuditTrailThroughBin}.
 *
 * @example
 * ```ts
 * const options: AuditedBinCalls = { bin, env, args: ["--state", stateFile], calls: (client) => client.callTool({ name: "fhir_read", arguments: { resourceType: "Patient", id: "patient-001" } }) };
 * ```
 * @category Testing
 */
export interface AuditedBinCalls {
  /** The bin's entry file, run with this Node as `<bin> --http 0 ...args`. */
  bin: string;
  /** Arguments after `--http 0`, e.g. `["--state", file]` or `["--audit-file", file]`. */
  args?: string[];
  /** The bin's environment (added to this process's): point `XDG_CONFIG_HOME`/`XDG_STATE_HOME` at the test's own folder. */
  env: NodeJS.ProcessEnv;
  /** How the official client connects (default: 2026-07-28, no tasks extension). */
  connect?: ConnectHttpOptions;
  /** The audited calls to make. */
  calls(client: Client): Promise<unknown>;
}

/**
 * Serves a reference bin over HTTP on 127.0.0.1, makes audited calls through the official client,
 * then stops the bin with SIGTERM, so its graceful shutdown writes the closing checkpoint that
 * anchors the head. Rejects when the bin does not exit 0.
 *
 * @example
 * ```ts
 * await writeAuditTrailThroughBin({ bin, env, args: ["--state", stateFile], calls: async (client) => {
 *   await client.callTool({ name: "finance_list_accounts", arguments: {} });
 * } });
 * const { intact } = await runAuditVerifyOnStateTamperings({ bin, env, stateFile, log: "audit:finance" });
 * ```
 * @category Testing
 */
export async function writeAuditTrailThroughBin(options: AuditedBinCalls): Promise<{ stderr: string }> {
  const server = await startHttpBin(options.bin, { env: options.env, ...(options.args ? { args: options.args } : {}) });
  try {
    const connection = await connectHttp(server.url, options.connect ?? { era: "modern", tasks: false });
    try {
      await options.calls(connection.client);
    } finally {
      await connection.close();
    }
  } catch (error) {
    await server.kill("SIGKILL");
    throw error;
  }
  const { code, signal } = await server.kill("SIGTERM");
  if (code !== 0) throw new Error(`the bin did not stop cleanly (exit ${code ?? signal}): ${server.stderr().slice(-2000)}`);
  return { stderr: server.stderr() };
}

/**
 * What {@link runAuditVerifyOnStateTamperings} saw: the chain's lines as stored, and what
 * `audit verify` answered for the intact state and for each tampered copy.
 *
 * @example
 * ```ts
 * const { lines, intact, tampered }: StateTamperingResults = await runAuditVerifyOnStateTamperings({ bin, env, stateFile, log: "audit:finance" });
 * ```
 * @category Testing
 */
export interface StateTamperingResults {
  /** The log's entries, oldest first, as the chain's lines. */
  lines: string[];
  intact: AuditVerifyOutcome;
  tampered: Record<keyof typeof AUDIT_TAMPERINGS, AuditVerifyOutcome>;
}

/**
 * Runs `<bin> audit verify --state <file>` on a SQLite state file holding an audit chain in the
 * state log `log`, then on a copy for each of {@link AUDIT_TAMPERINGS} whose log rows were
 * rewritten as that tampering leaves them (checkpoints as the bin wrote them), and reports each
 * answer. `verifyArgs` go after `--state`: leave `--log` out to check the bin's own default log.
 * The state file itself is left as it was; copies go beside it and are removed.
 *
 * @example
 * ```ts
 * const { intact, tampered } = await runAuditVerifyOnStateTamperings({ bin, env, stateFile, log: "audit:education" });
 * expect(intact.status).toBe(0);
 * expect(tampered.edit.stdout).toMatch(/first bad record at .*seq \d+/);
 * ```
 * @category Testing
 */
export async function runAuditVerifyOnStateTamperings(options: {
  /** The bin's entry file, run with this Node. */
  bin: string;
  /** The SQLite state file the bin wrote (`--state`, or its default location). */
  stateFile: string;
  /** The state log holding the chain, whose rows the tamperings rewrite. */
  log: string;
  /** Environment with the audit key (`MCP_AUDIT_KEY`, `MCP_AUDIT_KEY_FILE` or `XDG_CONFIG_HOME`). */
  env: NodeJS.ProcessEnv;
  /** Arguments after `audit verify --state <file>`, e.g. `["--log", "audit:x"]` (default none). */
  verifyArgs?: string[];
}): Promise<StateTamperingResults> {
  const Database = (await import("better-sqlite3")).default;
  const run = (stateFile: string): AuditVerifyOutcome => {
    const result = spawnSync(process.execPath, [options.bin, "audit", "verify", "--state", stateFile, ...(options.verifyArgs ?? [])], { env: options.env, encoding: "utf8", timeout: 60_000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const original = new Database(options.stateFile, { readonly: true });
  let lines: string[];
  try {
    const rows = original.prepare("SELECT entry FROM mcp_state_logs WHERE log = ? ORDER BY seq").all(options.log) as { entry: string }[];
    lines = rows.map((row) => JSON.parse(row.entry) as string);
  } finally {
    original.close();
  }
  const intact = run(options.stateFile);
  const tampered = {} as Record<keyof typeof AUDIT_TAMPERINGS, AuditVerifyOutcome>;
  for (const [name, tamper] of Object.entries(AUDIT_TAMPERINGS) as [keyof typeof AUDIT_TAMPERINGS, (lines: readonly string[]) => string[]][]) {
    const copy = `${options.stateFile}.tampered-${name}`;
    rmSync(copy, { force: true });
    // VACUUM INTO writes a consistent copy whatever the journal mode, without touching the original.
    const source = new Database(options.stateFile, { readonly: true });
    try {
      source.prepare("VACUUM INTO ?").run(copy);
    } finally {
      source.close();
    }
    const db = new Database(copy);
    try {
      db.transaction(() => {
        db.prepare("DELETE FROM mcp_state_logs WHERE log = ?").run(options.log);
        const insert = db.prepare("INSERT INTO mcp_state_logs (log, seq, entry) VALUES (?, ?, ?)");
        tamper(lines).forEach((line, index) => insert.run(options.log, index + 1, JSON.stringify(line)));
      })();
    } finally {
      db.close();
    }
    tampered[name] = run(copy);
    for (const file of [copy, `${copy}-wal`, `${copy}-shm`]) rmSync(file, { force: true });
  }
  return { lines, intact, tampered };
}
