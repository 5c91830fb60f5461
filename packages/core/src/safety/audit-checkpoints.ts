import { mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import type { StateStore } from "../state/state-store.js";
import { canonicalJson } from "./canonical-json.js";
import { readFileLines } from "./audit-sinks.js";
import { macOf, type AuditChainKeys } from "./audit-records.js";

/**
 * A signed statement of the chain's head: "the first `count` records end in `head`".
 *
 * Kept apart from the log, it is what makes truncation and a rewritten tail visible: the
 * log can no longer be shorter than, or differ at, any point a checkpoint anchored.
 *
 * @example
 * ```ts
 * const checkpoint: AuditCheckpoint | undefined = await trail.checkpoint();
 * checkpoint?.count; // records anchored
 * ```
 * @category Safety
 */
export type AuditCheckpoint = {
  v: 2;
  /** Fingerprint of the chain key that signed it (not the key). */
  kid: string;
  /** Number of records anchored (the head is record `count - 1`). */
  count: number;
  /** `mac` of the last anchored record; 64 zeros for an empty chain. */
  head: string;
  /** ISO 8601 time it was written. */
  time: string;
  /** HMAC-SHA256 (hex) under the checkpoint key of the rest. */
  mac: string;
};

/**
 * Where signed checkpoints go: somewhere else than the log (another file, the state store,
 * a log shipper). Append-only; readers get every checkpoint ever written, in any order.
 *
 * @example
 * ```ts
 * const store: AuditCheckpointStore = fileCheckpointStore("/var/lib/mcp/audit.checkpoints");
 * ```
 * @category Safety
 */
export interface AuditCheckpointStore {
  /** Durably stores one checkpoint. */
  write(checkpoint: AuditCheckpoint): Promise<void>;
  /** Every stored checkpoint as its stored JSON text. */
  readAll(): AsyncIterable<string>;
}

/**
 * In-memory {@link AuditCheckpointStore}, for tests.
 *
 * @example
 * ```ts
 * const checkpoints = memoryCheckpointStore();
 * const trail = createAuditTrail({ sink, key, chainKey, checkpoints });
 * ```
 * @category Safety
 */
export function memoryCheckpointStore(): AuditCheckpointStore & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    async write(checkpoint) {
      lines.push(canonicalJson(checkpoint));
    },
    async *readAll() {
      yield* [...lines];
    },
  };
}

/**
 * {@link AuditCheckpointStore} as a JSON Lines file (mode 0600), opened per write so a
 * rotated or removed file is noticed at once.
 *
 * @example
 * ```ts
 * const checkpoints = fileCheckpointStore(`${auditFile}.checkpoints`);
 * ```
 * @category Safety
 */
export function fileCheckpointStore(path: string): AuditCheckpointStore {
  return {
    async write(checkpoint) {
      await mkdir(dirname(path), { recursive: true });
      const file = await open(path, "a", 0o600);
      try {
        await file.appendFile(`${canonicalJson(checkpoint)}\n`, "utf8");
        await file.datasync();
      } finally {
        await file.close();
      }
    },
    readAll: () => readFileLines(path),
  };
}

/** The state namespace holding checkpoints of chains kept in a state log. */
export const AUDIT_CHECKPOINT_NAMESPACE = "audit-checkpoints";

/**
 * {@link AuditCheckpointStore} in a shared {@link StateStore}, for a chain that replicas append
 * to through the store's linked log: the checkpoints live in their own namespace, apart from
 * the log, one record per anchored count.
 *
 * @example
 * ```ts
 * const trail = createAuditTrail({ sink: stateAuditSink(state, "audit"), key, chainKey, checkpoints: stateCheckpointStore(state, "audit") });
 * ```
 * @category Safety
 */
export function stateCheckpointStore(state: StateStore, log: string): AuditCheckpointStore {
  const prefix = `${log}:`;
  return {
    async write(checkpoint) {
      // Zero-padded so key order is count order; a replica re-anchoring the same count just rewrites it.
      await state.put(AUDIT_CHECKPOINT_NAMESPACE, `${prefix}${String(checkpoint.count).padStart(16, "0")}`, canonicalJson(checkpoint));
    },
    async *readAll() {
      let after: string | undefined;
      for (;;) {
        const page = await state.list<unknown>(AUDIT_CHECKPOINT_NAMESPACE, { prefix, limit: 1000, ...(after === undefined ? {} : { after }) });
        for (const record of page) {
          // The prefix of log "audit" also covers log "audit:x"'s keys: only this log's own counts.
          if (!/^\d{16}$/.test(record.key.slice(prefix.length))) continue;
          yield typeof record.value === "string" ? record.value : JSON.stringify(record.value);
        }
        if (page.length < 1000) return;
        after = page.at(-1)!.key;
      }
    },
  };
}

/** Builds and signs a checkpoint of `count` records ending in `head`. */
export function signCheckpoint(keys: AuditChainKeys, count: number, head: string, time: Date): AuditCheckpoint {
  const unsigned = { v: 2 as const, kid: keys.keyId, count, head, time: time.toISOString() };
  return { ...unsigned, mac: macOf(keys.checkpoint, unsigned) };
}

const checkpointSchema = z.strictObject({
  v: z.literal(2),
  kid: z.string().regex(/^[0-9a-f]{16}$/),
  count: z.number().int().nonnegative(),
  head: z.string().regex(/^[0-9a-f]{64}$/),
  time: z.string(),
  mac: z.string().regex(/^[0-9a-f]{64}$/),
});

/** A stored checkpoint checked against the key, or why it cannot be trusted. */
export function readCheckpoint(keys: AuditChainKeys, text: string): { ok: true; checkpoint: AuditCheckpoint } | { ok: false; reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: "a checkpoint is not valid JSON" };
  }
  const parsed = checkpointSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: "a checkpoint is not a well-formed signed checkpoint" };
  if (parsed.data.kid !== keys.keyId) return { ok: false, reason: "a checkpoint was signed with another key than the one given (wrong MCP_AUDIT_KEY or key file?)" };
  if (macOf(keys.checkpoint, parsed.data) !== parsed.data.mac) return { ok: false, reason: "a checkpoint's signature does not match (forged or edited checkpoint)" };
  return { ok: true, checkpoint: parsed.data };
}
