import { randomBytes } from "node:crypto";
import { z } from "zod";
import { canonicalJson, digestOf, keyedId } from "./canonical-json.js";
import { requireSecretKey } from "./secret-key.js";
import { openSignedJson, signJson } from "./signed-token.js";
import { ExtensionError } from "../errors.js";

/**
 * Records which approvals have been spent, so each can be confirmed at most once.
 *
 * Share one ledger (e.g. backed by Redis `SET NX PX`) across processes that serve the
 * same approvals; a per-process ledger only stops replays within that process.
 *
 * @example
 * ```ts
 * const ledger: ApprovalLedger = {
 *   consume: async (id, expiresAt) => (await redis.set(`approval:${id}`, "used", { NX: true, PXAT: expiresAt })) === "OK",
 * };
 * ```
 * @category Safety
 */
export interface ApprovalLedger {
  /** Marks the approval used; resolves true only for its first use (or first decline). */
  consume(approvalId: string, expiresAt: number): Promise<boolean>;
  /**
   * Marks the approval declined; resolves true if it is now declined (newly or already),
   * false if it was already used. Without it, declining falls back to `consume`.
   */
  decline?(approvalId: string, expiresAt: number): Promise<boolean>;
  /** Whether the approval was declined, so `confirm` can report that instead of a replay. */
  isDeclined?(approvalId: string): Promise<boolean>;
}

/**
 * Options for {@link memoryApprovalLedger}.
 *
 * @example
 * ```ts
 * const options: MemoryApprovalLedgerOptions = { now: () => clock.ms };
 * ```
 * @category Safety
 */
export type MemoryApprovalLedgerOptions = {
  /** Clock in epoch ms, used to forget ids whose tokens have expired. */
  now?: () => number;
};

/**
 * Single-process {@link ApprovalLedger} that forgets ids once their tokens expire.
 *
 * @example
 * ```ts
 * const approvals = createApprovals({ secret, ledger: memoryApprovalLedger() });
 * ```
 * @category Safety
 */
export function memoryApprovalLedger(options: MemoryApprovalLedgerOptions = {}): Required<ApprovalLedger> {
  const now = options.now ?? Date.now;
  const spent = new Map<string, { expiresAt: number; declined: boolean }>();
  // Forgetting is safe only after expiry: confirm rejects expired tokens before asking the ledger.
  const forgetExpired = (): void => {
    const time = now();
    for (const [id, entry] of spent) if (entry.expiresAt < time) spent.delete(id);
  };
  return {
    async consume(approvalId, expiresAt) {
      forgetExpired();
      if (spent.has(approvalId)) return false;
      spent.set(approvalId, { expiresAt, declined: false });
      return true;
    },
    async decline(approvalId, expiresAt) {
      forgetExpired();
      const existing = spent.get(approvalId);
      if (existing !== undefined) return existing.declined;
      spent.set(approvalId, { expiresAt, declined: true });
      return true;
    },
    async isDeclined(approvalId) {
      return spent.get(approvalId)?.declined === true;
    },
  };
}

/**
 * Options for {@link createApprovals}.
 *
 * @example
 * ```ts
 * const options: ApprovalsOptions = { secret: process.env.APPROVAL_SECRET!, ttlMs: 2 * 60_000 };
 * ```
 * @category Safety
 */
export type ApprovalsOptions = {
  /** HMAC secret of at least 32 bytes; rotating it invalidates outstanding approvals. */
  secret: string | Uint8Array;
  /** How long an approval stays confirmable. Default 5 minutes. */
  ttlMs?: number;
  /** Clock in epoch ms, injectable for tests. */
  now?: () => number;
  /** Spent-approval store. Default: an in-memory ledger on the same clock. */
  ledger?: ApprovalLedger;
};

/**
 * What to show the human and hand back on confirmation.
 *
 * @example
 * ```ts
 * const pending: PreparedApproval = await approvals.prepare({ binding, args, preview });
 * ```
 * @category Safety
 */
export type PreparedApproval = {
  /** Opaque, signed; return it unchanged to `confirm` or `decline`. */
  token: string;
  /** Random id, suitable for audit records. */
  approvalId: string;
  /** ISO 8601 expiry. */
  expiresAt: string;
  /** SHA-256 of the canonical arguments the approval covers. */
  argsDigest: string;
  /** The human-readable summary the approver saw, echoed back unchanged. */
  preview: string;
};

/**
 * Issues and checks approvals bound to one binding, one set of arguments and optionally one principal.
 *
 * @example
 * ```ts
 * const approvals: Approvals = createApprovals({ secret });
 * ```
 * @category Safety
 */
export interface Approvals {
  /** Issues a signed approval token for exactly these arguments. */
  prepare(input: { binding: string; args: unknown; principal?: string; preview: string }): PreparedApproval;
  /** Spends an approval if it matches; rejects with an ExtensionError otherwise. */
  confirm(input: { token: string; binding: string; args: unknown; principal?: string }): Promise<{ approvalId: string }>;
  /** Records the human's refusal so the token can never be confirmed. */
  decline(token: string): Promise<{ approvalId: string }>;
}

const DEFAULT_TTL_MS = 5 * 60_000;

const tokenPayloadSchema = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{32}$/),
  b: z.string(),
  d: z.string().regex(/^[0-9a-f]{64}$/),
  p: z.string().nullable(),
  e: z.number().int(),
});
type TokenPayload = z.infer<typeof tokenPayloadSchema>;

/**
 * Creates two-step approvals: `prepare` issues a token for exact arguments, `confirm` spends it once.
 *
 * The token carries only digests and a keyed hash of the principal, so it leaks neither
 * arguments nor identity. `confirm` refuses, with a distinct ExtensionError code, a token
 * that is forged or for another binding or principal (`APPROVAL_INVALID`), expired
 * (`APPROVAL_EXPIRED`), for different arguments (`APPROVAL_MISMATCH`), declined
 * (`APPROVAL_DECLINED`) or already used (`APPROVAL_ALREADY_USED`).
 *
 * @example
 * ```ts
 * const approvals = createApprovals({ secret: process.env.APPROVAL_SECRET! });
 * const { token, preview } = approvals.prepare({
 *   binding: "payments.send", args, principal: userId, preview: "Send 120.00 EUR to ACME Ltd",
 * });
 * // ... the human approves `preview`; the client calls again with the token ...
 * const { approvalId } = await approvals.confirm({ token, binding: "payments.send", args, principal: userId });
 * ```
 * @throws TypeError when the secret is shorter than 32 bytes or ttlMs is not a positive number.
 * @category Safety
 */
export function createApprovals(options: ApprovalsOptions): Approvals {
  const secret = requireSecretKey(options.secret, "secret");
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new TypeError("ttlMs must be a positive number");
  const now = options.now ?? Date.now;
  const ledger = options.ledger ?? memoryApprovalLedger({ now });

  // Prefixed so a principal can never collide with a signed payload (base64url has no ":").
  const principalId = (principal: string | undefined): string | null =>
    principal === undefined ? null : keyedId(secret, `principal:${principal}`);

  const open = (token: unknown): TokenPayload => {
    const parsed = tokenPayloadSchema.safeParse(openSignedJson(secret, token));
    if (!parsed.success) throw new ExtensionError("APPROVAL_INVALID", "the approval token is not valid");
    return parsed.data;
  };

  return {
    prepare({ binding, args, principal, preview }) {
      if (typeof binding !== "string" || binding.length === 0) throw new TypeError("binding must be a non-empty string");
      if (typeof preview !== "string") throw new TypeError("preview must be a string");
      const argsDigest = digestOf(args);
      const expiresAt = now() + ttlMs;
      const payload: TokenPayload = {
        id: randomBytes(16).toString("hex"),
        b: binding,
        d: argsDigest,
        p: principalId(principal),
        e: Math.ceil(expiresAt),
      };
      return {
        token: signJson(secret, canonicalJson(payload)),
        approvalId: payload.id,
        expiresAt: new Date(payload.e).toISOString(),
        argsDigest,
        preview,
      };
    },

    async confirm({ token, binding, args, principal }) {
      const payload = open(token);
      // Identity and binding mismatches share APPROVAL_INVALID so a stolen token reveals nothing.
      if (payload.b !== binding || payload.p !== principalId(principal)) {
        throw new ExtensionError("APPROVAL_INVALID", "the approval token is not valid for this request");
      }
      if (now() >= payload.e) {
        throw new ExtensionError("APPROVAL_EXPIRED", "the approval has expired; request a new approval");
      }
      let argsDigest: string | undefined;
      try {
        argsDigest = digestOf(args);
      } catch {
        argsDigest = undefined;
      }
      if (argsDigest !== payload.d) {
        throw new ExtensionError(
          "APPROVAL_MISMATCH",
          "the arguments changed since they were approved; a new approval is needed for these arguments",
        );
      }
      if (!(await ledger.consume(payload.id, payload.e))) {
        if (ledger.isDeclined !== undefined && (await ledger.isDeclined(payload.id))) {
          throw new ExtensionError("APPROVAL_DECLINED", "this approval was declined; request a new approval");
        }
        throw new ExtensionError("APPROVAL_ALREADY_USED", "this approval has already been used; request a new approval");
      }
      return { approvalId: payload.id };
    },

    async decline(token) {
      const payload = open(token);
      // An expired token can no longer be confirmed, so there is nothing left to refuse.
      if (now() >= payload.e) return { approvalId: payload.id };
      const declined = ledger.decline !== undefined ? await ledger.decline(payload.id, payload.e) : await ledger.consume(payload.id, payload.e);
      if (!declined) {
        throw new ExtensionError("APPROVAL_ALREADY_USED", "this approval has already been used and can no longer be declined");
      }
      return { approvalId: payload.id };
    },
  };
}
