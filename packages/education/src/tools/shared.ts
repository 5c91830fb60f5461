import { boundPage, confirmWithUser, ExtensionError, resolveLimit } from "@mcp-verticals/core";
import { z } from "zod";
import type { Actor } from "../backend/gateway.js";
import type { EducationContext } from "../context.js";
import type { AllowedWrite, EducationProfile } from "../schemas/settings.js";

/** Paging input every list tool accepts. */
export const PagingInput = {
  cursor: z.string().max(2000).optional().describe("Opaque cursor from a previous page's nextCursor."),
  limit: z.number().int().min(1).max(500).optional().describe("Page size; clamped to the server's maximum."),
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

/** Refuses a write that is not allowed for this client, or a caller who is not staff. */
export function requireWrite(context: EducationContext, write: AllowedWrite, actor: Actor): void {
  if (context.settings.writes.mode === "off" || !context.settings.writes.allow.includes(write)) {
    throw new ExtensionError("WRITES_DISABLED", `${write} is not allowed for this client; writes need a negotiating client and a server that allows them`);
  }
  if (write !== "record_activity" && actor.role !== "teacher" && actor.role !== "admin") {
    throw new ExtensionError("FORBIDDEN", "only teachers may make this change");
  }
}

/** Output fields of every two-step write. */
export const WriteOutcome = {
  status: z.enum(["preview", "written"]).describe("preview: nothing written yet, show `preview` and call again with confirmationToken; written: done and verified by re-reading."),
  confirmedBy: z.enum(["token", "elicitation"]).optional(),
  preview: z.string(),
  confirmationToken: z.string().optional(),
  expiresAt: z.string().optional(),
};

/**
 * Runs a write in two steps: without a token, returns a preview and a single-use token
 * bound to the exact arguments and caller; with the token, confirms it, writes, and
 * re-reads through `verify` before reporting success. A client that negotiated
 * `confirmation: "elicitation"` is asked in place through MCP form elicitation where possible.
 */
export async function twoStepWrite<T>(
  context: EducationContext,
  input: { binding: string; actor: Actor; args: unknown; token: string | undefined; preview: string; write: () => Promise<T>; verify: (written: T) => Promise<boolean> },
): Promise<{ status: "preview" | "written"; preview: string; confirmationToken?: string; expiresAt?: string; confirmedBy?: "token" | "elicitation"; written?: T }> {
  const { approvals } = context.services;
  if (input.token === undefined && context.settings.confirmation === "elicitation") {
    const answer = await confirmWithUser(context as never, input.preview);
    if (answer === "declined") throw new ExtensionError("APPROVAL_DECLINED", "the user declined this change; nothing was written");
    if (answer === "accepted") {
      const written = await input.write();
      if (!(await input.verify(written))) throw new ExtensionError("WRITE_NOT_VERIFIED", "the change could not be confirmed by re-reading it; it may not have been saved");
      await context.audit({ binding: input.binding, outcome: "ok", principal: input.actor.userId, detail: { confirmedBy: "elicitation", verified: true } });
      return { status: "written", preview: input.preview, confirmedBy: "elicitation", written };
    }
  }
  if (input.token === undefined) {
    const prepared = approvals.prepare({ binding: input.binding, args: input.args, principal: input.actor.userId, preview: input.preview });
    return { status: "preview", preview: prepared.preview, confirmationToken: prepared.token, expiresAt: prepared.expiresAt };
  }
  const { approvalId } = await approvals.confirm({ token: input.token, binding: input.binding, args: input.args, principal: input.actor.userId });
  const written = await input.write();
  if (!(await input.verify(written))) throw new ExtensionError("WRITE_NOT_VERIFIED", "the change could not be confirmed by re-reading it; it may not have been saved");
  await context.audit({ binding: input.binding, outcome: "ok", principal: input.actor.userId, detail: { approvalId, verified: true } });
  return { status: "written", preview: input.preview, confirmedBy: "token", written };
}
