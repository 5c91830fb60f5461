import { mkdir, open, readFile } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { canonicalJson, digestOf, keyedId } from "./canonical-json.js";
import { requireSecretKey } from "./secret-key.js";
import { ExtensionError } from "../errors.js";

/**
 * How the audited call ended: served, refused by policy, or failed.
 *
 * @example
 * ```ts
 * const outcome: AuditOutcome = "denied";
 * ```
 * @category Safety
 */
export type AuditOutcome = "ok" | "denied" | "error";

/**
 * Flat, primitive-only context for an audit record; no payloads.
 *
 * @example
 * ```ts
 * const detail: AuditDetail = { approvalId: "3f1c…", replayed: false, count: 3 };
 * ```
 * @category Safety
 */
export type AuditDetail = Record<string, string | number | boolean | null>;

/**
 * What a caller reports about one call; identifiers are pseudonymized before storage.
 *
 * @example
 * ```ts
 * const input: AuditEntryInput = {
 *   extension: "io.example/health", binding: "prescriptions.renew", outcome: "ok",
 *   principal: "dr.jones@example.org", subjects: ["patient-123"],
 * };
 * ```
 * @category Safety
 */
export type AuditEntryInput = {
  /** Extension id the binding belongs to. */
  extension: string;
  /** Binding (tool) name that was invoked. */
  binding: string;
  outcome: AuditOutcome;
  /** Raw acting identity; stored only as a keyed id. */
  principal?: string;
  /** ExtensionError code or similar, when the outcome is not "ok". */
  code?: string;
  /** Raw ids of the people or records affected; stored only as keyed ids. */
  subjects?: string[];
  /** Flat primitives only; strings at most 200 characters. */
  detail?: AuditDetail;
};

/**
 * One line of the audit trail as stored: pseudonymized and linked to its predecessor.
 *
 * @example
 * ```ts
 * const record: AuditRecord = await trail.record({ extension: "x", binding: "y", outcome: "ok" });
 * record.prevHash; // hash of the record before it, or 64 zeros
 * ```
 * @category Safety
 */
export type AuditRecord = {
  /** 0-based position in the chain. */
  seq: number;
  /** ISO 8601 time the record was made. */
  time: string;
  extension: string;
  binding: string;
  outcome: AuditOutcome;
  /** keyedId of the principal. */
  principal?: string;
  code?: string;
  /** keyedIds of the subjects. */
  subjects?: string[];
  detail?: AuditDetail;
  /** `hash` of the previous record; 64 zeros for the first. */
  prevHash: string;
  /** SHA-256 hex of the canonical JSON of this record without `hash`. */
  hash: string;
};

/**
 * Where audit lines go. Implementations must append in call order and never rewrite.
 *
 * @example
 * ```ts
 * const sink: AuditSink = { append: async (line) => lines.push(line), readLast: async () => lines.at(-1) };
 * ```
 * @category Safety
 */
export interface AuditSink {
  /** Durably appends one line (no trailing newline is passed). */
  append(line: string): Promise<void>;
  /** The last non-empty line written, so a new process can continue the chain. */
  readLast(): Promise<string | undefined>;
  /**
   * Optional: reads the last line and appends the line `compose` builds from it as one atomic
   * step (e.g. one database transaction under a lock). Sinks shared by several processes
   * (replicas on one database) implement it, so their records form one chain instead of forks;
   * the trail then never caches the chain head.
   */
  appendLinked?(compose: (last: string | undefined) => string): Promise<void>;
}

/**
 * Verdict of {@link verifyAuditChain}: the intact chain's length and head, or the first bad line.
 *
 * @example
 * ```ts
 * const verdict: AuditChainVerdict = verifyAuditChain(lines);
 * if (!verdict.ok) console.error(`audit trail broken at line ${verdict.line}: ${verdict.reason}`);
 * ```
 * @category Safety
 */
export type AuditChainVerdict = { ok: true; count: number; lastHash: string } | { ok: false; line: number; reason: string };

/**
 * The `prevHash` of the first record in every chain.
 *
 * @example
 * ```ts
 * firstRecord.prevHash === GENESIS_HASH; // true
 * ```
 * @category Safety
 */
export const GENESIS_HASH = "0".repeat(64);

/** Detail strings longer than this are rejected, to keep payloads out of the trail. */
const MAX_DETAIL_STRING = 200;
/** Names, codes and detail keys are labels, not content. */
const MAX_LABEL = 200;

/**
 * In-memory {@link AuditSink}, for tests and short-lived tools.
 *
 * @example
 * ```ts
 * const sink = memoryAuditSink();
 * const trail = createAuditTrail({ sink, key });
 * await trail.record({ extension: "x", binding: "y", outcome: "ok" });
 * verifyAuditChain(sink.lines).ok; // true
 * ```
 * @category Safety
 */
export function memoryAuditSink(): AuditSink & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    async append(line) {
      lines.push(line);
    },
    async readLast() {
      for (let index = lines.length - 1; index >= 0; index--) {
        const line = lines[index];
        if (line !== undefined && line.trim() !== "") return line;
      }
      return undefined;
    },
  };
}

/**
 * Options for {@link fileAuditSink}.
 *
 * @example
 * ```ts
 * const options: FileAuditSinkOptions = { sync: true };
 * ```
 * @category Safety
 */
export type FileAuditSinkOptions = {
  /** fsync after every line, trading throughput for surviving power loss. Default false. */
  sync?: boolean;
};

/**
 * JSON Lines {@link AuditSink} on a local file, opened for append only.
 *
 * One process should own a file at a time; two writers would fork the chain.
 *
 * @example
 * ```ts
 * const sink = fileAuditSink("/var/log/mcp/audit.jsonl");
 * const trail = createAuditTrail({ sink, key: process.env.AUDIT_KEY! });
 * // ... on shutdown:
 * await sink.close();
 * ```
 * @category Safety
 */
export function fileAuditSink(path: string, options: FileAuditSinkOptions = {}): AuditSink & { close(): Promise<void> } {
  let handle: Promise<FileHandle> | undefined;
  const openForAppend = (): Promise<FileHandle> => {
    if (handle === undefined) {
      const opening = (async () => {
        await mkdir(dirname(path), { recursive: true });
        return open(path, "a", 0o600);
      })();
      handle = opening;
      // A failed open must not be cached, or one transient error would disable auditing.
      opening.catch(() => {
        if (handle === opening) handle = undefined;
      });
    }
    return handle;
  };

  return {
    async append(line) {
      if (line.includes("\n") || line.includes("\r")) throw new TypeError("audit lines must not contain line breaks");
      const file = await openForAppend();
      await file.appendFile(`${line}\n`, "utf8");
      if (options.sync === true) await file.datasync();
    },
    readLast: () => readLastLine(path),
    async close() {
      const pending = handle;
      handle = undefined;
      if (pending !== undefined) await (await pending).close();
    },
  };
}

/** Reads backwards in chunks so resuming a large trail does not load it whole. */
async function readLastLine(path: string): Promise<string | undefined> {
  const chunkSize = 64 * 1024;
  let file: FileHandle;
  try {
    file = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    let unread = (await file.stat()).size;
    let tail = Buffer.alloc(0);
    while (unread > 0) {
      const start = Math.max(0, unread - chunkSize);
      const chunk = Buffer.alloc(unread - start);
      let filled = 0;
      while (filled < chunk.length) {
        const { bytesRead } = await file.read(chunk, filled, chunk.length - filled, start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      unread = start;
      tail = Buffer.concat([chunk.subarray(0, filled), tail]);

      let end = tail.length;
      while (end > 0 && isLineBreakOrBlank(tail[end - 1])) end--;
      tail = tail.subarray(0, end);
      if (end === 0) continue;
      const newline = tail.lastIndexOf(0x0a);
      if (newline >= 0) return tail.subarray(newline + 1).toString("utf8");
    }
    return tail.length > 0 ? tail.toString("utf8") : undefined;
  } finally {
    await file.close();
  }
}

function isLineBreakOrBlank(byte: number | undefined): boolean {
  return byte === 0x0a || byte === 0x0d || byte === 0x20 || byte === 0x09;
}

/**
 * Options for {@link createAuditTrail}.
 *
 * @example
 * ```ts
 * const options: AuditTrailOptions = { sink: memoryAuditSink(), key: process.env.AUDIT_KEY! };
 * ```
 * @category Safety
 */
export type AuditTrailOptions = {
  sink: AuditSink;
  /** HMAC key (≥ 32 bytes) for pseudonymizing principals and subjects. Keep it out of the log store. */
  key: string | Uint8Array;
  /** Clock, injectable for tests. */
  now?: () => Date;
};

/**
 * An append-only, hash-chained audit trail.
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
}

/**
 * Creates an append-only, hash-chained audit trail over a sink.
 *
 * Principals and subjects are stored only as keyed ids. On first use the chain resumes
 * from the sink's last line, so a restarted process continues one chain. Records are
 * appended one at a time in call order, so concurrent calls never fork the chain.
 *
 * @example
 * ```ts
 * const trail = createAuditTrail({ sink: fileAuditSink("audit.jsonl"), key: process.env.AUDIT_KEY! });
 * await trail.record({
 *   extension: "io.example/finance", binding: "payments.send", outcome: "denied",
 *   principal: "user-42", code: "APPROVAL_EXPIRED", detail: { amountBand: "1k-10k" },
 * });
 * ```
 * @throws TypeError from `record` when the input is malformed or carries payload-like detail.
 * @throws ExtensionError `AUDIT_TRAIL_CORRUPT` from `record` when the sink's last line cannot be continued.
 * @category Safety
 */
export function createAuditTrail(options: AuditTrailOptions): AuditTrail {
  const { sink } = options;
  const key = requireSecretKey(options.key, "key");
  const now = options.now ?? (() => new Date());

  let head: { seq: number; hash: string } | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const headOf = (last: string | undefined): { seq: number; hash: string } => {
    if (last === undefined) return { seq: -1, hash: GENESIS_HASH };
    const parsed = parseRecord(last);
    if (parsed === undefined || hashOf(parsed.raw) !== parsed.record.hash) {
      // Appending after a damaged line would bless it with a valid-looking successor.
      throw new ExtensionError("AUDIT_TRAIL_CORRUPT", "the audit trail's last line is not an intact audit record; refusing to continue the chain");
    }
    return { seq: parsed.record.seq, hash: parsed.record.hash };
  };

  const build = (input: AuditEntryInput, previous: { seq: number; hash: string }): AuditRecord => {
    const unsigned: Omit<AuditRecord, "hash"> = {
      seq: previous.seq + 1,
      time: now().toISOString(),
      extension: input.extension,
      binding: input.binding,
      outcome: input.outcome,
      ...(input.principal === undefined ? {} : { principal: keyedId(key, input.principal) }),
      ...(input.code === undefined ? {} : { code: input.code }),
      ...(input.subjects === undefined ? {} : { subjects: input.subjects.map((subject) => keyedId(key, subject)) }),
      ...(input.detail === undefined ? {} : { detail: input.detail }),
      prevHash: previous.hash,
    };
    return { ...unsigned, hash: hashOf(unsigned) };
  };

  const appendRecord = async (input: AuditEntryInput): Promise<AuditRecord> => {
    if (sink.appendLinked) {
      let record: AuditRecord | undefined;
      await sink.appendLinked((last) => {
        record = build(input, headOf(last));
        return canonicalJson(record);
      });
      return record!;
    }
    head ??= headOf(await sink.readLast());
    const record = build(input, head);
    try {
      await sink.append(canonicalJson(record));
    } catch (error) {
      // The sink may or may not hold the line; re-read it rather than guess.
      head = undefined;
      throw error;
    }
    head = { seq: record.seq, hash: record.hash };
    return record;
  };

  return {
    record(input) {
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
      const result = queue.then(() => appendRecord(snapshot));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}

function validateEntry(input: AuditEntryInput): void {
  if (typeof input !== "object" || input === null) throw new TypeError("audit entry must be an object");
  requireLabel(input.extension, "extension");
  requireLabel(input.binding, "binding");
  if (input.outcome !== "ok" && input.outcome !== "denied" && input.outcome !== "error") {
    throw new TypeError('audit outcome must be "ok", "denied" or "error"');
  }
  if (input.principal !== undefined && typeof input.principal !== "string") throw new TypeError("audit principal must be a string");
  if (input.code !== undefined) requireLabel(input.code, "code");
  if (input.subjects !== undefined) {
    if (!Array.isArray(input.subjects) || input.subjects.some((subject) => typeof subject !== "string")) {
      throw new TypeError("audit subjects must be an array of strings");
    }
  }
  if (input.detail !== undefined) {
    if (typeof input.detail !== "object" || input.detail === null || Array.isArray(input.detail)) {
      throw new TypeError("audit detail must be a flat object");
    }
    for (const [name, value] of Object.entries(input.detail)) {
      requireLabel(name, "detail key");
      if (value === null || typeof value === "boolean") continue;
      if (typeof value === "number") {
        if (!Number.isFinite(value)) throw new TypeError("audit detail numbers must be finite");
        continue;
      }
      if (typeof value === "string") {
        if (value.length > MAX_DETAIL_STRING) {
          throw new TypeError(`audit detail strings are limited to ${MAX_DETAIL_STRING} characters; record identifiers or summaries, not payloads`);
        }
        continue;
      }
      throw new TypeError("audit detail values must be strings, numbers, booleans or null; nested values are not allowed");
    }
  }
}

function requireLabel(value: unknown, name: string): void {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_LABEL) {
    throw new TypeError(`audit ${name} must be a non-empty string of at most ${MAX_LABEL} characters`);
  }
}

function hashOf(recordWithoutHash: object): string {
  const { hash: _ignored, ...rest } = recordWithoutHash as { hash?: unknown };
  return digestOf(rest);
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const storedRecordSchema = z.strictObject({
  seq: z.number().int().nonnegative(),
  time: z.string(),
  extension: z.string(),
  binding: z.string(),
  outcome: z.enum(["ok", "denied", "error"]),
  principal: z.string().optional(),
  code: z.string().optional(),
  subjects: z.array(z.string()).optional(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  prevHash: hex64,
  hash: hex64,
});

function parseRecord(line: string): { raw: object; record: AuditRecord } | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = storedRecordSchema.safeParse(raw);
  return parsed.success ? { raw: raw as object, record: parsed.data as AuditRecord } : undefined;
}

/**
 * Checks an audit trail's lines: each record intact, numbered without gaps, linked to its predecessor.
 *
 * Detects edited fields, deleted, inserted or reordered lines, and unparsable lines, and
 * reports the first bad line (1-based). Blank lines are ignored but counted for numbering.
 * A verified chain proves internal consistency; compare `lastHash` with a copy kept
 * elsewhere to also detect a rewritten tail.
 *
 * @example
 * ```ts
 * const verdict = verifyAuditChain(sink.lines);
 * if (verdict.ok) console.log(`${verdict.count} records, head ${verdict.lastHash}`);
 * ```
 * @category Safety
 */
export function verifyAuditChain(lines: Iterable<string>): AuditChainVerdict {
  let expectedSeq = 0;
  let expectedPrev = GENESIS_HASH;
  let lineNumber = 0;
  for (const line of lines) {
    lineNumber++;
    if (line.trim() === "") continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      return { ok: false, line: lineNumber, reason: "line is not valid JSON" };
    }
    const parsed = storedRecordSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, line: lineNumber, reason: "line is not a well-formed audit record" };
    const record = parsed.data;
    if (hashOf(raw as object) !== record.hash) {
      return { ok: false, line: lineNumber, reason: "record content does not match its hash" };
    }
    if (record.seq !== expectedSeq) {
      return { ok: false, line: lineNumber, reason: `sequence break: expected seq ${expectedSeq}, found ${record.seq}` };
    }
    if (record.prevHash !== expectedPrev) {
      return { ok: false, line: lineNumber, reason: "prevHash does not match the previous record's hash" };
    }
    expectedSeq++;
    expectedPrev = record.hash;
  }
  return { ok: true, count: expectedSeq, lastHash: expectedPrev };
}

/**
 * Reads a JSON Lines audit file and runs {@link verifyAuditChain} on it.
 *
 * @example
 * ```ts
 * const verdict = await verifyAuditFile("/var/log/mcp/audit.jsonl");
 * ```
 * @category Safety
 */
export async function verifyAuditFile(path: string): Promise<AuditChainVerdict> {
  const text = await readFile(path, "utf8");
  return verifyAuditChain(text.split("\n"));
}
