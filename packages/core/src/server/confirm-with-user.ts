import { acceptedContent, inputRequired, type InputRequiredResult } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { BindingContext } from "../extension/bindings.js";

/**
 * What the user answered when asked to confirm an action.
 * @category Server
 */
export type UserConfirmation = "accepted" | "declined" | "unavailable";

/**
 * Thrown by {@link confirmWithUser} in the 2026-07-28 era to end the current round with an
 * `input_required` result; core's tool dispatch returns it to the client, which asks the
 * user and retries the call with the answer. Handlers must let it propagate.
 * @category Server
 */
export class InputRequiredSignal extends Error {
  override readonly name = "InputRequiredSignal";
  constructor(readonly result: InputRequiredResult) {
    super("input required from the client");
  }
}

const CONFIRMATION_SCHEMA = {
  type: "object" as const,
  properties: { confirm: { type: "boolean" as const, title: "Confirm", description: "Confirm this action" } },
  required: ["confirm"],
};
const ConfirmationAnswer = z.object({ confirm: z.boolean() });

/**
 * Asks the human behind the client to confirm an action through MCP user input (form
 * elicitation), where the client declared the `elicitation` capability:
 * - 2025 era: a server-to-client `elicitation/create` request, answered in place;
 * - 2026-07-28 era: a multi-round-trip `input_required` result (the call ends, the client
 *   asks the user and retries the same call with the answer, and the handler runs again);
 * - inside a task (either era): the task waits in `input_required` until the client answers
 *   with `tasks/update`, then the job continues.
 * Returns `unavailable` when the client cannot ask. Tool handlers only.
 *
 * For an action that needs a human's approval (a payment, a clinical or gradebook write) use
 * `requireHumanApproval` instead: it records the decision in server state, binds it to the
 * exact arguments, and falls back to the approval page or the operator command.
 *
 * The message is shown to a person: render it from server data, never from model-supplied text.
 *
 * @example
 * ```ts
 * const answer = await confirmWithUser(context, "Pay 120.00 EUR to ACME Ltd (NO93 **** 7947)?");
 * if (answer === "declined") throw new ExtensionError("APPROVAL_DECLINED", "the user declined the payment");
 * ```
 * @category Server
 */
export async function confirmWithUser(context: BindingContext, message: string, options: { key?: string } = {}): Promise<UserConfirmation> {
  if (!context.clientCapabilities?.elicitation) return "unavailable";
  if (context.task) {
    // A task waits in input_required; the client answers with tasks/update and the job resumes here.
    const key = options.key ?? "confirm";
    const answers = await context.task.requestInput({ [key]: inputRequired.elicit({ message, requestedSchema: CONFIRMATION_SCHEMA }) });
    return acceptedContent(answers, key, ConfirmationAnswer)?.confirm === true ? "accepted" : "declined";
  }
  if (context.era === "legacy") {
    // Related to this call, so stateless HTTP sends it on the call's own SSE stream (there is no standalone one).
    const answer = await context.request.mcpReq.elicitInput(
      { mode: "form", message, requestedSchema: CONFIRMATION_SCHEMA },
      { relatedRequestId: context.request.mcpReq.id },
    );
    return answer.action === "accept" && answer.content?.confirm === true ? "accepted" : "declined";
  }
  const key = options.key ?? "confirm";
  const responses = context.request.mcpReq.inputResponses;
  if (responses && key in responses) {
    return acceptedContent(responses, key, ConfirmationAnswer)?.confirm === true ? "accepted" : "declined";
  }
  throw new InputRequiredSignal(inputRequired({ inputRequests: { [key]: inputRequired.elicit({ message, requestedSchema: CONFIRMATION_SCHEMA }) } }));
}
