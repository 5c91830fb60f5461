import type { BindingContext } from "../extension/bindings.js";

/**
 * What the user answered when asked to confirm an action.
 * @category Server
 */
export type UserConfirmation = "accepted" | "declined" | "unavailable";

/**
 * Asks the human behind the client to confirm an action through MCP user input (form
 * elicitation), where the client declared that it supports it. Returns `unavailable` when it
 * cannot ask: the client has no elicitation capability, or the request is in the 2026-07-28 era,
 * which has no server-to-client requests. Callers then fall back to an approval token
 * (`createApprovals`), which the user confirms in a second call.
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
export async function confirmWithUser(context: BindingContext, message: string): Promise<UserConfirmation> {
  if (context.era !== "legacy" || !context.clientCapabilities?.elicitation) return "unavailable";
  const answer = await context.request.mcpReq.elicitInput({
    mode: "form",
    message,
    requestedSchema: {
      type: "object",
      properties: { confirm: { type: "boolean", title: "Confirm", description: "Confirm this action" } },
      required: ["confirm"],
    },
  });
  return answer.action === "accept" && answer.content?.confirm === true ? "accepted" : "declined";
}
