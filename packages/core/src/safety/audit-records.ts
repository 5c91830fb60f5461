import { createHmac } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "./canonical-json.js";
import { requireSecretKey } from "./secret-key.js";

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
 * One line of the audit trail as stored: pseudonymized and linked to its predecessor by a keyed MAC.
 *
 * @example
 * ```ts
 * const record: AuditRecord = await trail.record({ extension: "x", binding: "y", outcome: "ok" });
 * record.prevMac; // mac of the record before it, or 64 zeros
 * ```
 * @category Safety
 */
export type AuditRecord = {
  /** Record format; 2 is the keyed chain. */
  v: 2;
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
  /** `mac` of the previous record; 64 zeros for the first. */
  prevMac: string;
  /** HMAC-SHA256 (hex) under the chain key of the canonical JSON of this record without `mac`. */
  mac: string;
};

/**
 * The `prevMac` of the first record in every chain, and the head of an empty chain.
 *
 * @example
 * ```ts
 * firstRecord.prevMac === GENESIS_HASH; // true
 * ```
 * @category Safety
 */
export const GENESIS_HASH = "0".repeat(64);

/** Detail strings longer than this are rejected, to keep payloads out of the trail. */
const MAX_DETAIL_STRING = 200;
/** Names, codes and detail keys are labels, not content. */
const MAX_LABEL = 200;

/** Keys derived from one chain key, so a MAC of one kind can never pass as another. */
export interface AuditChainKeys {
  /** Signs records. */
  readonly record: Buffer;
  /** Signs checkpoints. */
  readonly checkpoint: Buffer;
  /** Public fingerprint of the chain key, stored in checkpoints to tell "wrong key" from "edited". */
  readonly keyId: string;
}

/** Derives the record, checkpoint and key-id keys from a chain key of ≥ 32 bytes. */
export function deriveAuditChainKeys(chainKey: string | Uint8Array, optionName = "chainKey"): AuditChainKeys {
  const secret = requireSecretKey(chainKey, optionName);
  const derive = (label: string) => createHmac("sha256", secret).update(`mcp-verticals audit v2 ${label}`).digest();
  return { record: derive("record"), checkpoint: derive("checkpoint"), keyId: derive("key-id").subarray(0, 8).toString("hex") };
}

/** HMAC-SHA256 hex of the canonical JSON of `value` without its `mac` member. */
export function macOf(key: Buffer, value: object): string {
  const { mac: _ignored, ...rest } = value as { mac?: unknown };
  return createHmac("sha256", key).update(canonicalJson(rest)).digest("hex");
}

/** Rejects malformed entries and payload-like detail before anything is stored. */
export function validateEntry(input: AuditEntryInput): void {
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

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
/** The stored shape; strict so an added member counts as tampering. */
export const storedRecordSchema = z.strictObject({
  v: z.literal(2),
  seq: z.number().int().nonnegative(),
  time: z.string(),
  extension: z.string(),
  binding: z.string(),
  outcome: z.enum(["ok", "denied", "error"]),
  principal: z.string().optional(),
  code: z.string().optional(),
  subjects: z.array(z.string()).optional(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  prevMac: hex64,
  mac: hex64,
});

/** The outcome of reading one stored line. */
export type ParsedLine =
  | { kind: "record"; raw: object; record: AuditRecord }
  | { kind: "legacy" }
  | { kind: "invalid"; json: boolean };

/** Parses one stored line; records of the unkeyed format (before v2) are told apart. */
export function parseAuditLine(line: string): ParsedLine {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { kind: "invalid", json: false };
  }
  const parsed = storedRecordSchema.safeParse(raw);
  if (parsed.success) return { kind: "record", raw: raw as object, record: parsed.data as AuditRecord };
  if (raw !== null && typeof raw === "object" && "hash" in raw && "prevHash" in raw && !("mac" in raw)) return { kind: "legacy" };
  return { kind: "invalid", json: true };
}

/** A binding name safe to print: labels only, so a forged record cannot smuggle text into a terminal. */
export function printableBinding(value: unknown): string | undefined {
  return typeof value === "string" && /^[A-Za-z0-9_.:/@-]{1,200}$/.test(value) ? value : undefined;
}
