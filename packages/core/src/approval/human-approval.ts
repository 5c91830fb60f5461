import { acceptedContent, inputRequired, inputResponse } from "@modelcontextprotocol/server";
import { z } from "zod";
import { ExtensionError } from "../errors.js";
import type { BindingContext } from "../extension/bindings.js";
import { InputRequiredSignal } from "../server/confirm-with-user.js";
import { memoryStateStore } from "../state/memory-store.js";
import type { StateStore } from "../state/state-store.js";
import type { ApprovalChannel, ApprovalRecord } from "./approval-record.js";
import { closeApprovalRequest, consumeApproval, decideApproval, findOpenApproval, getApproval, openApproval, withdrawApproval } from "./approval-store.js";
import { approvalChannels } from "./channels.js";
import { renderApprovalPreview, type ApprovalPreview } from "./preview.js";
import { mintRoundState, openRoundState } from "./round-state.js";

/** Default time a human has to decide, and to use an approval once given. */
const DEFAULT_TTL_MS = 10 * 60_000;

/**
 * The key of the approval form in `inputRequests` / `inputResponses` (2026-07-28 era).
 *
 * @example
 * ```ts
 * const answer = acceptedContent(ctx.mcpReq.inputResponses, APPROVAL_INPUT_KEY);
 * ```
 * @category Approval
 */
export const APPROVAL_INPUT_KEY = "mcp-verticals.approval";

const APPROVAL_FORM_SCHEMA = {
  type: "object" as const,
  properties: { confirm: { type: "boolean" as const, title: "Approve", description: "Approve exactly what is described above" } },
  required: ["confirm"],
};
const ApprovalAnswer = z.object({ confirm: z.boolean() });

/**
 * One action a human must approve before it runs.
 *
 * @example
 * ```ts
 * const request: HumanApprovalRequest = {
 *   binding: "finance_execute_payment",
 *   args: { paymentId: payment.id, digest: payment.digest },
 *   preview: { title: "Approve this payment?", facts: ["Pay 500.00 EUR to ACME Ltd"] },
 * };
 * ```
 * @category Approval
 */
export interface HumanApprovalRequest {
  /** The action, e.g. `finance_execute_payment`; approvals never cross bindings. */
  binding: string;
  /** The exact arguments approved (stored as a digest); different arguments need another approval. */
  args: unknown;
  /** What the human sees, rendered by the server; model-supplied text goes in `modelSupplied`. */
  preview: ApprovalPreview;
  /** How long the human has to decide and the approval stays usable (default 10 minutes). */
  ttlMs?: number;
  /** Clock in epoch ms (tests, or a vertical's injectable clock). */
  now?: () => number;
}

/**
 * A human's decision, as the server recorded it.
 *
 * @example
 * ```ts
 * const { decision, approvalId, channel } = await requireHumanApproval(context, request);
 * ```
 * @category Approval
 */
export interface HumanDecision {
  approvalId: string;
  decision: "approved" | "declined";
  channel: ApprovalChannel;
  decidedBy: string;
}

/**
 * Where an opened approval stands and where a human can decide it.
 *
 * @example
 * ```ts
 * const opened: OpenedApproval = await openHumanApproval(context, request);
 * ```
 * @category Approval
 */
export interface OpenedApproval {
  approvalId: string;
  status: ApprovalRecord["status"];
  preview: string;
  expiresAt: string;
  /** The approval page for this item, when the deployment serves one. */
  approvalUrl?: string;
  /** The operator command deciding it, when the deployment has one. */
  operatorCommand?: string;
}

let fallbackState: StateStore | undefined;

/** Servers attached without a state store keep approvals in this process only. */
function stateOf(context: BindingContext): StateStore {
  if (context.state) return context.state;
  fallbackState ??= memoryStateStore();
  return fallbackState;
}

function principalOf(context: BindingContext): string | null {
  return context.principal?.id ?? null;
}

type ElicitationSupport = { form: boolean; url: boolean };

function elicitationSupport(context: BindingContext): ElicitationSupport {
  const elicitation = context.clientCapabilities?.elicitation as { form?: unknown; url?: unknown } | undefined;
  if (!elicitation) return { form: false, url: false };
  // An empty `elicitation: {}` (every 2025-06 client) means form mode.
  return { form: elicitation.form !== undefined || elicitation.url === undefined, url: elicitation.url !== undefined };
}

function outOfBand(state: StateStore, record: { id: string }): { approvalUrl?: string; operatorCommand?: string } {
  const channels = approvalChannels(state);
  return {
    ...(channels.pageBaseUrl ? { approvalUrl: `${channels.pageBaseUrl}${record.id}` } : {}),
    ...(channels.operatorCommand ? { operatorCommand: `${channels.operatorCommand} approve ${record.id}` } : {}),
  };
}

function unavailable(detail?: string): ExtensionError {
  return new ExtensionError(
    "HUMAN_APPROVAL_UNAVAILABLE",
    `This action needs a human's approval and no approval channel is available${detail ? ` (${detail})` : ""}. Enable one: use a client that supports form elicitation, serve over --http with MCP_OPERATOR_TOKEN set (approval page), or keep the server's state in a file or database (--state) so an operator can run the \`approvals\` command.`,
  );
}

function pending(record: ApprovalRecord, where: { approvalUrl?: string; operatorCommand?: string }): ExtensionError {
  const places = [
    where.approvalUrl ? `on the approval page ${where.approvalUrl}` : undefined,
    where.operatorCommand ? `with the operator command \`${where.operatorCommand}\` (or \`decline\`)` : undefined,
  ].filter((place): place is string => place !== undefined);
  return new ExtensionError(
    "APPROVAL_PENDING",
    `Waiting for a human to approve this ${places.join(" or ")}. Nothing was done. Tell the user where to decide, then call again with the same arguments; passing the approval id back approves nothing.`,
    {
      data: {
        approvalId: record.id,
        expiresAt: new Date(record.expiresAt).toISOString(),
        ...(where.approvalUrl ? { approvalUrl: where.approvalUrl } : {}),
        ...(where.operatorCommand ? { operatorCommand: where.operatorCommand } : {}),
      },
    },
  );
}

async function settle(context: BindingContext, state: StateStore, record: ApprovalRecord, now: number): Promise<HumanDecision> {
  if (record.status === "declined") {
    await closeApprovalRequest(state, record);
    context.annotateAudit({ detail: { approvalId: record.id, approvalChannel: record.channel ?? null, approval: "declined" } });
    return { approvalId: record.id, decision: "declined", channel: record.channel!, decidedBy: record.decidedBy ?? "unknown" };
  }
  if (!(await consumeApproval(state, record, now))) {
    throw new ExtensionError("APPROVAL_ALREADY_USED", "this approval was already used or withdrawn; call again to request a new one");
  }
  context.annotateAudit({ detail: { approvalId: record.id, approvalChannel: record.channel ?? null, approval: "approved" } });
  return { approvalId: record.id, decision: "approved", channel: record.channel!, decidedBy: record.decidedBy ?? "unknown" };
}

/** Records a decision that arrived through a client's form, then reads back what stands (another channel may have won). */
async function decideThenSettle(
  context: BindingContext,
  state: StateStore,
  record: ApprovalRecord,
  decision: "approve" | "decline",
  channel: ApprovalChannel,
  now: number,
): Promise<HumanDecision> {
  let decided: ApprovalRecord;
  try {
    decided = await decideApproval(state, record.id, { decision, channel, decidedBy: principalOf(context) ?? "client user", expect: { binding: record.binding, argsDigest: record.argsDigest } }, now);
  } catch (error) {
    if (!(error instanceof ExtensionError) || error.code !== "APPROVAL_NOT_PENDING") throw error;
    // Another channel decided first: what it recorded stands.
    const current = await getApproval(state, record.id, now);
    if (!current || (current.status !== "approved" && current.status !== "declined")) throw error;
    decided = current;
  }
  return settle(context, state, decided, now);
}

/**
 * Opens (or finds) the pending approval for an action without asking anyone yet, so a
 * preparing tool can report its id and where a human decides. The id is only a name:
 * nothing the model sends back can decide it.
 *
 * @example
 * ```ts
 * const opened = await openHumanApproval(context, { binding: "finance_execute_payment", args, preview });
 * ```
 * @category Approval
 */
export async function openHumanApproval(context: BindingContext, request: HumanApprovalRequest): Promise<OpenedApproval> {
  const state = stateOf(context);
  const now = (request.now ?? Date.now)();
  const record = await openApproval(
    state,
    { binding: request.binding, args: request.args, principal: principalOf(context), preview: renderApprovalPreview(request.preview), ttlMs: request.ttlMs ?? DEFAULT_TTL_MS },
    now,
  );
  return { approvalId: record.id, status: record.status, preview: record.preview, expiresAt: new Date(record.expiresAt).toISOString(), ...outOfBand(state, record) };
}

/**
 * Withdraws the open approval for an action (e.g. after the action was cancelled), so
 * nobody can approve or spend it any more; resolves whether there was one.
 *
 * @example
 * ```ts
 * await withdrawHumanApproval(context, { binding: "finance_execute_payment", args }, "the payment was cancelled");
 * ```
 * @category Approval
 */
export async function withdrawHumanApproval(context: BindingContext, request: Pick<HumanApprovalRequest, "binding" | "args" | "now">, reason: string): Promise<boolean> {
  return withdrawApproval(stateOf(context), { binding: request.binding, args: request.args, principal: principalOf(context) }, reason, (request.now ?? Date.now)());
}

/**
 * Gets a human's decision on one action through a channel the model cannot drive, recorded in
 * server state, single-use, bound to the exact arguments and the caller, and expiring:
 * - the client's form, when it declared elicitation (with or without this extension):
 *   `elicitation/create` in place in the 2025 era, an `input_required` round whose signed
 *   `requestState` names this very approval in the 2026-07-28 era;
 * - URL-mode elicitation to the server's approval page, when the client supports it;
 * - otherwise the approval page or the operator command, reported as an `APPROVAL_PENDING`
 *   error naming the approval id and where to decide; a later call with the same arguments
 *   proceeds once the human approved;
 * - with no channel at all, `HUMAN_APPROVAL_UNAVAILABLE`, saying how to enable one.
 *
 * Resolves `approved` (already spent: run the action now) or `declined` (do nothing). Tool
 * handlers must let the `InputRequiredSignal` and `ExtensionError`s it throws propagate.
 *
 * @example
 * ```ts
 * const decision = await requireHumanApproval(context, {
 *   binding: "edu_post_score",
 *   args,
 *   preview: { title: "Post this score?", facts: ["8/10 for learner p-1a2b on Quiz 3"], modelSupplied: [{ label: "comment", text: input.comment ?? "" }] },
 * });
 * if (decision.decision === "declined") throw new ExtensionError("APPROVAL_DECLINED", "the teacher declined; nothing was written");
 * ```
 * @throws ExtensionError `APPROVAL_PENDING`, `HUMAN_APPROVAL_UNAVAILABLE`, `APPROVAL_ROUND_INVALID`, `APPROVAL_CANCELLED`, `APPROVAL_ALREADY_USED`.
 * @throws InputRequiredSignal in the 2026-07-28 era, to ask through the client's form.
 * @category Approval
 */
export async function requireHumanApproval(context: BindingContext, request: HumanApprovalRequest): Promise<HumanDecision> {
  const state = stateOf(context);
  const clock = request.now ?? Date.now;
  const now = clock();
  const support = elicitationSupport(context);
  const channels = approvalChannels(state);
  const subject = { binding: request.binding, args: request.args, principal: principalOf(context) };

  const existing = await findOpenApproval(state, subject, now);
  if (existing && existing.status !== "pending") return settle(context, state, existing, now);
  const canAskClient = support.form || (support.url && channels.pageBaseUrl !== undefined);
  const outOfBandExists = channels.pageBaseUrl !== undefined || channels.operatorCommand !== undefined;
  if (!existing && !canAskClient && !outOfBandExists) throw unavailable("the client declared no elicitation capability");

  const record = existing ?? (await openApproval(state, { ...subject, preview: renderApprovalPreview(request.preview), ttlMs: request.ttlMs ?? DEFAULT_TTL_MS }, now));
  const where = outOfBand(state, record);
  const message = `${record.preview}\n\nApproval ${record.id}; expires ${new Date(record.expiresAt).toISOString()}.`;

  if (context.task && support.form) {
    // A task waits in input_required until the client answers with tasks/update: still the client's own form.
    const answers = await context.task.requestInput({ [APPROVAL_INPUT_KEY]: inputRequired.elicit({ message, requestedSchema: APPROVAL_FORM_SCHEMA }) });
    const view = inputResponse(answers, APPROVAL_INPUT_KEY);
    if (view.kind === "elicit" && view.action === "cancel") {
      throw new ExtensionError("APPROVAL_CANCELLED", "the user closed the approval form without deciding; nothing was done. Call again to ask again.");
    }
    const approve = acceptedContent(answers, APPROVAL_INPUT_KEY, ApprovalAnswer)?.confirm === true;
    return decideThenSettle(context, state, record, approve ? "approve" : "decline", "input_required", clock());
  }
  if (context.era === "modern") {
    const responses = context.request.mcpReq.inputResponses;
    if (responses && APPROVAL_INPUT_KEY in responses) {
      // The answer must come with the signed state of a round that asked about this very item.
      const round = await openRoundState(state, context.request.mcpReq.requestState(), now);
      if (!round || round.a !== record.id || round.b !== record.binding || round.d !== record.argsDigest) {
        throw new ExtensionError("APPROVAL_ROUND_INVALID", "the answer does not belong to a question this server asked about this request; nothing was changed. Call again without input responses to be asked.");
      }
      if (round.k === "form") {
        const view = inputResponse(responses, APPROVAL_INPUT_KEY);
        if (view.kind === "elicit" && view.action === "cancel") {
          throw new ExtensionError("APPROVAL_CANCELLED", "the user closed the approval form without deciding; nothing was done. Call again to ask again.");
        }
        const approve = acceptedContent(responses, APPROVAL_INPUT_KEY, ApprovalAnswer)?.confirm === true;
        return decideThenSettle(context, state, record, approve ? "approve" : "decline", "input_required", now);
      }
      // URL rounds only tell us the user went to the page; the page recorded the decision, if any.
      const current = (await findOpenApproval(state, subject, now)) ?? record;
      if (current.status !== "pending") return settle(context, state, current, now);
      throw pending(record, where);
    }
    if (support.form) {
      const requestState = await mintRoundState(state, { a: record.id, b: record.binding, d: record.argsDigest, k: "form", e: record.expiresAt });
      throw new InputRequiredSignal(
        inputRequired({ inputRequests: { [APPROVAL_INPUT_KEY]: inputRequired.elicit({ message, requestedSchema: APPROVAL_FORM_SCHEMA }) }, requestState }),
      );
    }
    if (support.url && where.approvalUrl) {
      const requestState = await mintRoundState(state, { a: record.id, b: record.binding, d: record.argsDigest, k: "url", e: record.expiresAt });
      throw new InputRequiredSignal(
        inputRequired({ inputRequests: { [APPROVAL_INPUT_KEY]: inputRequired.elicitUrl({ message: `Review and decide approval ${record.id} on the server's approval page.`, url: where.approvalUrl }) }, requestState }),
      );
    }
  } else {
    let failure: string | undefined;
    if (support.form) {
      try {
        // Related to this call, so stateless HTTP sends it on the call's own SSE stream (there is no standalone one).
        const answer = await context.request.mcpReq.elicitInput({ mode: "form", message, requestedSchema: APPROVAL_FORM_SCHEMA }, { relatedRequestId: context.request.mcpReq.id });
        if (answer.action === "cancel") {
          throw new ExtensionError("APPROVAL_CANCELLED", "the user closed the approval form without deciding; nothing was done. Call again to ask again.");
        }
        const approve = answer.action === "accept" && answer.content?.confirm === true;
        return decideThenSettle(context, state, record, approve ? "approve" : "decline", "elicitation", clock());
      } catch (error) {
        if (error instanceof ExtensionError) throw error;
        // No way back to the client on this connection (e.g. stateless HTTP): use another channel.
        failure = "the client could not be asked on this connection";
      }
    } else if (support.url && where.approvalUrl) {
      try {
        await context.request.mcpReq.elicitInput(
          { mode: "url", message: `Review and decide approval ${record.id} on the server's approval page.`, url: where.approvalUrl, elicitationId: record.id },
          { relatedRequestId: context.request.mcpReq.id },
        );
        const current = (await findOpenApproval(state, subject, clock())) ?? record;
        if (current.status !== "pending") return settle(context, state, current, clock());
      } catch {
        failure = "the client could not be sent to the approval page on this connection";
      }
    }
    if (!outOfBandExists) throw unavailable(failure);
  }
  if (!outOfBandExists) throw unavailable();
  throw pending(record, where);
}
