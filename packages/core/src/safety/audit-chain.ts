import { ExtensionError } from "../errors.js";
import { canonicalJson, keyedId } from "./canonical-json.js";
import { requireSecretKey } from "./secret-key.js";
import type { AuditSink } from "./audit-sinks.js";
import { signCheckpoint, type AuditCheckpoint, type AuditCheckpointStore } from "./audit-checkpoints.js";
import {
  GENESIS_HASH,
  deriveAuditChainKeys,
  macOf,
  parseAuditLine,
  validateEntry,
  type AuditEntryInput,
  type AuditRecord,
} from "./audit-records.js";

/**
 * Options for {@link createAuditTrail}.
 *
 * @example
 * ```ts
 * const options: AuditTrailOptions = {
 *   sink: fileAuditSink("audit.jsonl"), key: pseudonymKey,
 *   chainKey: loadAuditKey({ file: "/etc/mcp/audit.key" }),
 *   checkpoints: fileCheckpointStore("/var/lib/mcp/audit.checkpoints"),
 * };
 * ```
 * @category Safety
 */
export type AuditTrailOptions = {
  sink: AuditSink;
  /** HMAC key (≥ 32 bytes) for pseudonymizing principals and subjects. Keep it out of the log store. */
  key: string | Uint8Array;
  /**
   * HMAC key (≥ 32 bytes) that signs every record and checkpoint. Whoever holds it can rewrite
   * the trail undetectably, so it must live apart from the log (environment, key file, secret
   * manager). Default: `key` (with separate derived sub-keys), which is only as safe as `key`'s storage.
   */
  chainKey?: string | Uint8Array;
  /** Where signed checkpoints of the head go (apart from the log); without it nothing anchors the head. */
  checkpoints?: AuditCheckpointStore;
  /** Write a checkpoint after this many records (default 100). */
  checkpointEvery?: number;
  /** Also write one this often while the head moved (ms, default 10000; 0 turns the timer off). */
  checkpointIntervalMs?: number;
  /** Clock, injectable for tests. */
  now?: () => Date;
};

/**
 * An append-only audit trail chained with keyed MACs, anchored by signed checkpoints.
 *
 * @example
 * ```ts
 * const trail: AuditTrail = createAuditTrail({ sink, key });
 * ```
 * @category Safety
 */
export interface AuditTrail {
  /** Validates, pseudonymizes, chains and appends one record; resolves once the sink has it. */
  record(input: AuditEntryInput): Promise<AuditRecord>;
  /** Writes a checkpoint of the head now, if a store is configured and the head moved since the last one. */
  checkpoint?(): Promise<AuditCheckpoint | undefined>;
  /** Writes the closing checkpoint and stops the timer; call at shutdown. */
  close?(): Promise<void>;
}

type Head = { seq: number; mac: string };

/**
 * Creates an append-only audit trail whose records are chained with HMAC-SHA256 under a key
 * that is not in the log, and whose head is anchored by signed checkpoints kept elsewhere.
 *
 * Principals and subjects are stored only as keyed ids. On first use the chain resumes from
 * the sink's last line, so a restarted process continues one chain. Records are appended one at
 * a time in call order; a sink with `appendLinked` lets several processes share one chain.
 * Checkpoints are written on the first record after start, every `checkpointEvery` records,
 * every `checkpointIntervalMs` while the head moved, and by `close()`.
 *
 * @example
 * ```ts
 * const trail = createAuditTrail({ sink: fileAuditSink("audit.jsonl"), key, chainKey, checkpoints: fileCheckpointStore("audit.checkpoints") });
 * await trail.record({
 *   extension: "io.example/finance", binding: "payments.send", outcome: "denied",
 *   principal: "user-42", code: "APPROVAL_EXPIRED", detail: { amountBand: "1k-10k" },
 * });
 * await trail.close?.();
 * ```
 * @throws TypeError from `record` when the input is malformed or carries payload-like detail.
 * @throws ExtensionError `AUDIT_TRAIL_CORRUPT` from `record` when the sink's last line cannot be continued.
 * @category Safety
 */
export function createAuditTrail(options: AuditTrailOptions): AuditTrail & Required<Pick<AuditTrail, "checkpoint" | "close">> {
  const { sink, checkpoints } = options;
  const key = requireSecretKey(options.key, "key");
  const keys = deriveAuditChainKeys(options.chainKey ?? key, options.chainKey === undefined ? "key" : "chainKey");
  const now = options.now ?? (() => new Date());
  const every = options.checkpointEvery ?? 100;
  if (!Number.isInteger(every) || every < 1) throw new TypeError("checkpointEvery must be a positive integer");
  const intervalMs = options.checkpointIntervalMs ?? 10_000;

  let head: Head | undefined;
  /** Last record this process wrote, and the last one it anchored. */
  let written: Head | undefined;
  let anchored: Head | undefined;
  let sinceCheckpoint = 0;
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();

  const headOf = (last: string | undefined): Head => {
    if (last === undefined) return { seq: -1, mac: GENESIS_HASH };
    const parsed = parseAuditLine(last);
    if (parsed.kind === "legacy") {
      throw new ExtensionError(
        "AUDIT_TRAIL_CORRUPT",
        "the audit trail ends in an unkeyed record of an older format; move the old trail aside (keep it as an archive) and start a new one",
      );
    }
    if (parsed.kind !== "record" || macOf(keys.record, parsed.raw) !== parsed.record.mac) {
      // Appending after a damaged (or foreign-key) line would bless it with a valid-looking successor.
      throw new ExtensionError("AUDIT_TRAIL_CORRUPT", "the audit trail's last line is not an intact audit record under this chain key; refusing to continue the chain");
    }
    return { seq: parsed.record.seq, mac: parsed.record.mac };
  };

  const build = (input: AuditEntryInput, previous: Head): AuditRecord => {
    const unsigned: Omit<AuditRecord, "mac"> = {
      v: 2,
      seq: previous.seq + 1,
      time: now().toISOString(),
      extension: input.extension,
      binding: input.binding,
      outcome: input.outcome,
      ...(input.principal === undefined ? {} : { principal: keyedId(key, input.principal) }),
      ...(input.code === undefined ? {} : { code: input.code }),
      ...(input.subjects === undefined ? {} : { subjects: input.subjects.map((subject) => keyedId(key, subject)) }),
      ...(input.detail === undefined ? {} : { detail: input.detail }),
      prevMac: previous.mac,
    };
    return { ...unsigned, mac: macOf(keys.record, unsigned) };
  };

  const writeCheckpoint = async (): Promise<AuditCheckpoint | undefined> => {
    if (!checkpoints || written === undefined) return undefined;
    if (anchored !== undefined && anchored.seq === written.seq && anchored.mac === written.mac) return undefined;
    const target = written;
    const checkpoint = signCheckpoint(keys, target.seq + 1, target.mac, now());
    await checkpoints.write(checkpoint);
    anchored = target;
    sinceCheckpoint = 0;
    return checkpoint;
  };

  const appendRecord = async (input: AuditEntryInput): Promise<AuditRecord> => {
    let record: AuditRecord;
    if (sink.appendLinked) {
      let built: AuditRecord | undefined;
      await sink.appendLinked((last) => {
        built = build(input, headOf(last));
        return canonicalJson(built);
      });
      record = built!;
    } else {
      head ??= headOf(await sink.readLast());
      record = build(input, head);
      try {
        await sink.append(canonicalJson(record));
      } catch (error) {
        // The sink may or may not hold the line; re-read it rather than guess.
        head = undefined;
        throw error;
      }
      head = { seq: record.seq, mac: record.mac };
    }
    const first = written === undefined;
    written = { seq: record.seq, mac: record.mac };
    sinceCheckpoint++;
    // The first record after a start anchors whatever an earlier process left unanchored.
    if (first || sinceCheckpoint >= every) await writeCheckpoint();
    return record;
  };

  const enqueue = <T>(step: () => Promise<T>): Promise<T> => {
    const result = queue.then(step);
    queue = result.catch(() => undefined);
    return result;
  };

  let timer: NodeJS.Timeout | undefined;
  if (checkpoints && intervalMs > 0) {
    timer = setInterval(() => {
      // A failed periodic write is retried on the next tick; record() and close() surface failures.
      enqueue(writeCheckpoint).catch(() => undefined);
    }, intervalMs);
    timer.unref();
  }

  return {
    record(input) {
      if (closed) return Promise.reject(new ExtensionError("AUDIT_TRAIL_CLOSED", "the audit trail is closed"));
      try {
        validateEntry(input);
      } catch (error) {
        return Promise.reject(error);
      }
      // Copied now so later mutation by the caller cannot bypass validation while queued.
      const snapshot: AuditEntryInput = {
        ...input,
        ...(input.subjects === undefined ? {} : { subjects: [...input.subjects] }),
        ...(input.detail === undefined ? {} : { detail: { ...input.detail } }),
      };
      return enqueue(() => appendRecord(snapshot));
    },
    checkpoint: () => enqueue(writeCheckpoint),
    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (closed) return;
      closed = true;
      await enqueue(writeCheckpoint);
    },
  };
}
