import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { canonicalJson, digestOf } from "../safety/canonical-json.js";

/**
 * The ways someone with write access to an audit log (but not to its chain key) can try to
 * change history. Each takes the log's non-blank lines (at least four records) and returns the
 * tampered lines; `audit verify` must reject every result.
 *
 * - `edit`: change one middle record's outcome.
 * - `delete`: remove one middle record.
 * - `reorder`: swap two middle records.
 * - `truncate`: cut the last records off.
 * - `recompute`: edit a middle record, then recompute its MAC and every later link with the
 *   exported digest function, as a forger without the key would.
 *
 * @example
 * ```ts
 * for (const [name, tamper] of Object.entries(AUDIT_TAMPERINGS)) writeFileSync(file, tamper(lines).join("\n") + "\n");
 * ```
 * @category Testing
 */
export const AUDIT_TAMPERINGS: Readonly<Record<"edit" | "delete" | "reorder" | "truncate" | "recompute", (lines: readonly string[]) => string[]>> = {
  edit: (lines) => withMiddle(lines, (out, middle) => {
    out[middle] = flipOutcome(out[middle]!);
  }),
  delete: (lines) => withMiddle(lines, (out, middle) => {
    out.splice(middle, 1);
  }),
  reorder: (lines) => withMiddle(lines, (out, middle) => {
    [out[middle], out[middle + 1]] = [out[middle + 1]!, out[middle]!];
  }),
  truncate: (lines) => withMiddle(lines, (out) => {
    out.splice(out.length - 2, 2);
  }),
  recompute: (lines) => withMiddle(lines, (out, middle) => {
    out[middle] = flipOutcome(out[middle]!);
    let previous = (JSON.parse(out[middle - 1]!) as { mac: string }).mac;
    for (let index = middle; index < out.length; index++) {
      const { mac: _old, ...rest } = JSON.parse(out[index]!) as Record<string, unknown>;
      rest.prevMac = previous;
      const mac = digestOf(rest);
      out[index] = canonicalJson({ ...rest, mac });
      previous = mac;
    }
  }),
};

function withMiddle(lines: readonly string[], change: (out: string[], middle: number) => void): string[] {
  const out = lines.filter((line) => line.trim() !== "");
  if (out.length < 4) throw new Error("tampering needs a log of at least four records");
  change(out, Math.floor(out.length / 2));
  return out;
}

function flipOutcome(line: string): string {
  const record = JSON.parse(line) as Record<string, unknown>;
  record.outcome = record.outcome === "ok" ? "denied" : "ok";
  return canonicalJson(record);
}

/**
 * What `audit verify` answered for the intact trail and for each tampered copy.
 *
 * @example
 * ```ts
 * const outcome: AuditVerifyOutcome = { status: 1, stdout: "audit trail NOT intact: ..." };
 * ```
 * @category Testing
 */
export type AuditVerifyOutcome = { status: number | null; stdout: string; stderr: string };

/**
 * Runs a bin's `audit verify --file` on a real trail file, then on a tampered copy for each of
 * {@link AUDIT_TAMPERINGS} (checked against the original's checkpoints), and reports each answer.
 * The trail itself is left as it was.
 *
 * @example
 * ```ts
 * const results = runAuditVerifyOnTamperings({ bin: "dist/bin.js", file: "audit.jsonl", env });
 * expect(results.intact.status).toBe(0);
 * for (const outcome of Object.values(results.tampered)) expect(outcome.status).toBe(1);
 * ```
 * @category Testing
 */
export function runAuditVerifyOnTamperings(options: {
  /** The bin's entry file, run with this Node. */
  bin: string;
  /** The trail the bin wrote (its checkpoints at `<file>.checkpoints`). */
  file: string;
  /** Environment with the audit key (`MCP_AUDIT_KEY`, `MCP_AUDIT_KEY_FILE` or `XDG_CONFIG_HOME`). */
  env: NodeJS.ProcessEnv;
  /** Extra arguments, e.g. `--state` for bins that open one. */
  args?: string[];
}): { intact: AuditVerifyOutcome; tampered: Record<keyof typeof AUDIT_TAMPERINGS, AuditVerifyOutcome> } {
  const run = (file: string): AuditVerifyOutcome => {
    const result = spawnSync(process.execPath, [options.bin, "audit", "verify", "--file", file, "--checkpoints", `${options.file}.checkpoints`, ...(options.args ?? [])], {
      env: options.env,
      encoding: "utf8",
      timeout: 60_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const lines = readFileSync(options.file, "utf8").split("\n");
  const intact = run(options.file);
  const tampered = {} as Record<keyof typeof AUDIT_TAMPERINGS, AuditVerifyOutcome>;
  for (const [name, tamper] of Object.entries(AUDIT_TAMPERINGS) as [keyof typeof AUDIT_TAMPERINGS, (lines: readonly string[]) => string[]][]) {
    const copy = `${options.file}.${name}`;
    copyFileSync(options.file, copy);
    writeFileSync(copy, `${tamper(lines).join("\n")}\n`);
    tampered[name] = run(copy);
  }
  return { intact, tampered };
}
