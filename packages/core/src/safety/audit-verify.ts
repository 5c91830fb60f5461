import { readFileLines } from "./audit-sinks.js";
import { readCheckpoint, type AuditCheckpoint } from "./audit-checkpoints.js";
import { GENESIS_HASH, deriveAuditChainKeys, macOf, parseAuditLine, printableBinding, type AuditChainKeys } from "./audit-records.js";

/**
 * Verdict of {@link verifyAuditChain}: the intact chain's length, head and anchoring, or the
 * first bad record. Reasons never quote record contents; `binding` is given only when it is a
 * plain label.
 *
 * @example
 * ```ts
 * const verdict: AuditChainVerdict = verifyAuditChain(lines, { chainKey });
 * if (!verdict.ok) console.error(`audit trail broken at seq ${verdict.seq}: ${verdict.reason}`);
 * ```
 * @category Safety
 */
export type AuditChainVerdict =
  | {
      ok: true;
      /** Records in the trail. */
      count: number;
      /** `mac` of the last record (64 zeros when empty). */
      head: string;
      /** Records covered by the newest valid checkpoint (0 when none was given). */
      anchored: number;
      /** When that checkpoint was written. */
      anchoredAt?: string;
      /** Records after the newest checkpoint: intact, but not yet anchored (e.g. after a crash). */
      unanchored: number;
    }
  | {
      ok: false;
      /** 1-based line of the first bad record; absent when the fault is the trail's end. */
      line?: number;
      /** Sequence number the first bad record has, or should have. */
      seq?: number;
      /** Binding of the first bad record, when readable and a plain label. */
      binding?: string;
      reason: string;
    };

/**
 * Options for {@link verifyAuditChain} and {@link verifyAuditTrail}.
 *
 * @example
 * ```ts
 * const options: AuditVerifyOptions = { chainKey, checkpoints: checkpointStore.lines };
 * ```
 * @category Safety
 */
export type AuditVerifyOptions = {
  /** The trail's chain key (its `chainKey`, or its `key` when no chain key was set). */
  chainKey: string | Uint8Array;
  /** Stored checkpoints (JSON text each); when given, the trail must be anchored by at least one. */
  checkpoints?: Iterable<string>;
  /** Require a checkpoint for a non-empty trail (default: whether `checkpoints` was given). */
  requireCheckpoint?: boolean;
};

type Fault = Extract<AuditChainVerdict, { ok: false }>;

/** Checks records one at a time, so a trail of any size verifies in constant memory. */
class ChainCheck {
  private expectedSeq = 0;
  private expectedPrev = GENESIS_HASH;
  private lineNumber = 0;
  private readonly anchors = new Map<number, string>();
  private newest: AuditCheckpoint | undefined;
  fault: Fault | undefined;

  constructor(
    private readonly keys: AuditChainKeys,
    checkpoints: Iterable<string> | undefined,
    private readonly requireCheckpoint: boolean,
  ) {
    for (const text of checkpoints ?? []) {
      if (text.trim() === "") continue;
      const read = readCheckpoint(keys, text);
      if (!read.ok) {
        this.fault = { ok: false, reason: read.reason };
        return;
      }
      const { count, head } = read.checkpoint;
      const known = this.anchors.get(count);
      if (known !== undefined && known !== head) {
        this.fault = { ok: false, seq: count - 1, reason: `two signed checkpoints disagree about record ${count - 1} (the chain was forked)` };
        return;
      }
      this.anchors.set(count, head);
      if (this.newest === undefined || count > this.newest.count) this.newest = read.checkpoint;
    }
  }

  /** Feeds one line; returns false once a fault is found. */
  line(text: string): boolean {
    if (this.fault) return false;
    this.lineNumber++;
    if (text.trim() === "") return true;
    const at = { ok: false as const, line: this.lineNumber, seq: this.expectedSeq };
    const parsed = parseAuditLine(text);
    if (parsed.kind === "legacy") {
      this.fault = { ...at, reason: "unkeyed record of the older format (written before keyed chains); it proves nothing" };
      return false;
    }
    if (parsed.kind === "invalid") {
      this.fault = { ...at, reason: parsed.json ? "line is not a well-formed audit record" : "line is not valid JSON" };
      return false;
    }
    const { record, raw } = parsed;
    const binding = printableBinding(record.binding);
    const named = { ...at, seq: record.seq, ...(binding === undefined ? {} : { binding }) };
    if (macOf(this.keys.record, raw) !== record.mac) {
      this.fault = { ...named, reason: "record does not match its MAC: it was edited, or the chain was recomputed without the key" };
      return false;
    }
    if (record.seq !== this.expectedSeq) {
      this.fault = {
        ...named,
        reason:
          record.seq > this.expectedSeq
            ? `sequence break: expected seq ${this.expectedSeq}, found ${record.seq} (records were deleted or moved)`
            : `sequence break: expected seq ${this.expectedSeq}, found ${record.seq} (records were reordered or repeated)`,
      };
      return false;
    }
    if (record.prevMac !== this.expectedPrev) {
      this.fault = { ...named, reason: "record does not follow the previous one (a record was replaced, reordered or spliced in)" };
      return false;
    }
    const anchor = this.anchors.get(record.seq + 1);
    if (anchor !== undefined && anchor !== record.mac) {
      this.fault = { ...named, reason: `record differs from the one a signed checkpoint anchored at ${record.seq + 1} records` };
      return false;
    }
    this.expectedSeq++;
    this.expectedPrev = record.mac;
    return true;
  }

  finish(): AuditChainVerdict {
    if (this.fault) return this.fault;
    const count = this.expectedSeq;
    const newest = this.newest;
    if (newest !== undefined && newest.count > count) {
      return {
        ok: false,
        seq: count,
        reason: `truncated: a signed checkpoint anchors ${newest.count} records, the trail ends after ${count} (records ${count}..${newest.count - 1} are missing)`,
      };
    }
    if (newest === undefined && this.requireCheckpoint && count > 0) {
      return { ok: false, reason: "no signed checkpoint anchors this trail (the checkpoint store is missing, emptied or elsewhere)" };
    }
    return {
      ok: true,
      count,
      head: this.expectedPrev,
      anchored: newest?.count ?? 0,
      ...(newest ? { anchoredAt: newest.time } : {}),
      unanchored: count - (newest?.count ?? 0),
    };
  }
}

/**
 * Checks an audit trail's lines against the chain key and (when given) its signed checkpoints.
 *
 * Detects edited records (also when the chain was recomputed, since that needs the key),
 * deleted, inserted, reordered or repeated records, unparsable lines, and a trail shorter than
 * its newest checkpoint (truncation). Reports the first bad record by line and seq.
 *
 * @example
 * ```ts
 * const verdict = verifyAuditChain(sink.lines, { chainKey, checkpoints: checkpointStore.lines });
 * if (verdict.ok) console.log(`${verdict.count} records, ${verdict.anchored} anchored`);
 * ```
 * @category Safety
 */
export function verifyAuditChain(lines: Iterable<string>, options: AuditVerifyOptions): AuditChainVerdict {
  const check = new ChainCheck(deriveAuditChainKeys(options.chainKey), options.checkpoints, options.requireCheckpoint ?? options.checkpoints !== undefined);
  for (const line of lines) if (!check.line(line)) break;
  return check.finish();
}

/**
 * Where {@link verifyAuditTrail} reads a trail from.
 *
 * @example
 * ```ts
 * const source: AuditTrailSource = { lines: sink.readLines!(), checkpoints: checkpointStore.readAll() };
 * ```
 * @category Safety
 */
export type AuditTrailSource = {
  /** The trail's lines, oldest first. */
  lines: AsyncIterable<string> | Iterable<string>;
  /** Its stored checkpoints; when given, the trail must be anchored by at least one. */
  checkpoints?: AsyncIterable<string> | Iterable<string>;
};

/**
 * Streaming form of {@link verifyAuditChain}, for trails in files or databases.
 *
 * @example
 * ```ts
 * const verdict = await verifyAuditTrail({ lines: sink.readLines!(), checkpoints: checkpoints.readAll() }, { chainKey });
 * ```
 * @category Safety
 */
export async function verifyAuditTrail(source: AuditTrailSource, options: Omit<AuditVerifyOptions, "checkpoints">): Promise<AuditChainVerdict> {
  let checkpoints: string[] | undefined;
  if (source.checkpoints !== undefined) {
    checkpoints = [];
    for await (const text of source.checkpoints) checkpoints.push(text);
  }
  const check = new ChainCheck(deriveAuditChainKeys(options.chainKey), checkpoints, options.requireCheckpoint ?? checkpoints !== undefined);
  for await (const line of source.lines) if (!check.line(line)) break;
  return check.finish();
}

/**
 * The checkpoint file that goes with an audit file by default: `<file>.checkpoints`.
 *
 * @example
 * ```ts
 * defaultCheckpointFile("/var/log/mcp/audit.jsonl"); // "/var/log/mcp/audit.jsonl.checkpoints"
 * ```
 * @category Safety
 */
export function defaultCheckpointFile(auditFile: string): string {
  return `${auditFile}.checkpoints`;
}

/**
 * Verifies a JSON Lines audit file and its checkpoint file (default `<path>.checkpoints`).
 *
 * @example
 * ```ts
 * const verdict = await verifyAuditFile("/var/log/mcp/audit.jsonl", { chainKey });
 * ```
 * @category Safety
 */
export async function verifyAuditFile(
  path: string,
  options: { chainKey: string | Uint8Array; checkpointFile?: string | false; requireCheckpoint?: boolean },
): Promise<AuditChainVerdict> {
  const checkpointFile = options.checkpointFile === undefined ? defaultCheckpointFile(path) : options.checkpointFile;
  return verifyAuditTrail(
    { lines: readFileLines(path), ...(checkpointFile === false ? {} : { checkpoints: readFileLines(checkpointFile) }) },
    { chainKey: options.chainKey, ...(options.requireCheckpoint === undefined ? {} : { requireCheckpoint: options.requireCheckpoint }) },
  );
}
