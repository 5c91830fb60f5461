import { boundPage, ExtensionError, renderApprovalPreview, requireHumanApproval, resolveLimit, type ApprovalPreview } from "@mcp-verticals/core";
import { z } from "zod";
import type { Actor } from "../backend/gateway.js";
import type { EducationContext } from "../context.js";
import type { AllowedWrite, EducationProfile } from "../schemas/settings.js";

/** Paging input every list tool accepts. */
export const PagingInput = {
  cursor: z.string().max(2000).optional().describe("nextCursor of the previous page."),
  limit: z.int().min(1).max(500).optional().describe("Page size."),
};

/** Output bytes one page may use. */
const PAGE_BYTES = 200_000;

/** Resolves the caller and checks that the profile is offered. */
export async function callerOf(context: EducationContext, profile: EducationProfile): Promise<Actor> {
  if (!context.settings.profiles.includes(profile)) throw new ExtensionError("PROFILE_DISABLED", `the ${profile} profile is not offered by this server`);
  return context.services.gateway.actor(context.principal);
}

/** Cuts one signed page; the cursor is bound to the binding, the filters and the caller. */
export function pageOf<T>(context: EducationContext, binding: string, actor: Actor, items: readonly T[], args: { cursor?: string | undefined; limit?: number | undefined }, filters: unknown) {
  const query = { binding, filters, actor: actor.pseudonym };
  const offset = args.cursor === undefined ? 0 : context.services.cursors.decode(args.cursor, query).offset;
  const limit = resolveLimit(args.limit, { defaultLimit: context.settings.limits.defaultPageSize, maxLimit: context.settings.limits.maxPageSize });
  return boundPage({ items, offset, limit, maxBytes: PAGE_BYTES, cursorCodec: context.services.cursors, query });
}

/** Records a student-record access in the audit chain (the FERPA disclosure record). */
export async function auditAccess(context: EducationContext, binding: string, actor: Actor, subjects: readonly string[], kind: string): Promise<void> {
  if (subjects.length === 0) return;
  await context.audit({ binding, outcome: "ok", principal: actor.userId, subjects: [...new Set(subjects)].slice(0, 1000), detail: { access: kind, role: actor.role, count: subjects.length } });
}

/**
 * Refuses a write the server does not allow, or a caller who is not staff. A human approves
 * every write through the server's own channels, so a client need not negotiate to ask for
 * one; a negotiating client's settings may still narrow what it asks for.
 */
export function requireWrite(context: EducationContext, write: AllowedWrite, actor: Actor): void {
  const writes = context.declared ? context.settings.writes : context.serverSettings.writes;
  if (writes.mode === "off" || !writes.allow.includes(write)) {
    throw new ExtensionError("WRITES_DISABLED", `${write} is not allowed on this server; an administrator enables writes in the server settings`);
  }
  if (write !== "record_activity" && actor.role !== "teacher" && actor.role !== "admin") {
    throw new ExtensionError("FORBIDDEN", "only teachers may make this change");
  }
}

/** The optional `idempotencyKey` input of every approved write. */
export const IdempotencyKeyInput = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,255}$/)
  .optional()
  .describe("Key unique to this change: a retry with it replays the first outcome; other arguments: IDEMPOTENCY_CONFLICT.");

/** Output fields of every approved write. */
export const WriteOutcome = {
  status: z.enum(["preview", "written"]).describe("written: approved, written, re-read; preview: example call, nothing changed."),
  preview: z.string().describe("What the human approved."),
  approvalId: z.string().optional().describe("Approval spent (passing it back approves nothing)."),
  approvedThrough: z.enum(["elicitation", "input_required", "approval-page", "operator-command"]).optional().describe("Channel the human decided through."),
  idempotentReplayed: z.boolean().optional().describe("true: replays the first write made with this idempotencyKey."),
};

/** What an approved write reports. */
export interface ApprovedWriteOutcome<T> {
  status: "written";
  preview: string;
  /** Absent only when a retry found the change already made by an attempt whose replica died. */
  approvalId?: string;
  approvedThrough?: "elicitation" | "input_required" | "approval-page" | "operator-command";
  /** Set when the call carried an idempotency key. */
  idempotentReplayed?: boolean;
  written: T;
}

/**
 * Runs a write only after a human approved exactly these arguments through a channel the
 * model cannot drive (core's `requireHumanApproval`: the client's form, the approval page or
 * the operator command), then re-reads through `verify` before reporting success. Without a
 * decision yet it fails with `APPROVAL_PENDING`; a decline writes nothing.
 *
 * With an `idempotencyKey` the write runs at most once per caller, key and arguments, on any
 * replica (core's leased idempotency): concurrent retries wait for the first and replay its
 * outcome. A retry that takes over from a replica that died mid-write first asks `alreadyWritten`
 * whether that attempt got as far as the write; if not, it needs a human's approval again (the
 * dead attempt may have spent the first), so a crash never writes twice and never writes unapproved.
 */
export async function approvedWrite<T>(
  context: EducationContext,
  input: {
    binding: string;
    actor: Actor;
    args: unknown;
    preview: ApprovalPreview;
    write: () => Promise<T>;
    verify: (written: T) => Promise<boolean>;
    idempotencyKey?: string | undefined;
    alreadyWritten?: () => Promise<T | undefined>;
  },
): Promise<ApprovedWriteOutcome<T>> {
  const once = async ({ resumed }: { resumed: boolean }): Promise<ApprovedWriteOutcome<T>> => {
    const earlier = resumed && input.alreadyWritten ? await input.alreadyWritten() : undefined;
    if (earlier !== undefined) {
      await context.audit({ binding: input.binding, outcome: "ok", principal: input.actor.userId, detail: { resumedAfterCrash: true, verified: true } });
      return { status: "written", preview: renderApprovalPreview(input.preview), written: earlier };
    }
    const decision = await requireHumanApproval(context as never, { binding: input.binding, args: input.args, preview: input.preview, now: () => context.services.gateway.now() });
    if (decision.decision === "declined") throw new ExtensionError("APPROVAL_DECLINED", "the approver declined this change; nothing was written");
    const written = await input.write();
    if (!(await input.verify(written))) throw new ExtensionError("WRITE_NOT_VERIFIED", "the change could not be confirmed by re-reading it; it may not have been saved");
    await context.audit({ binding: input.binding, outcome: "ok", principal: input.actor.userId, detail: { approvalId: decision.approvalId, approvedThrough: decision.channel, verified: true } });
    return { status: "written", preview: renderApprovalPreview(input.preview), approvalId: decision.approvalId, approvedThrough: decision.channel, written };
  };
  if (input.idempotencyKey === undefined) return once({ resumed: false });
  const run = await context.services.idempotency.run({ scope: `${input.binding}:${input.actor.userId}`, key: input.idempotencyKey, args: input.args }, once);
  return { ...run.result, idempotentReplayed: run.replayed };
}
