/**
 * Plays the person who decides a gated write, for tests of human approval: opening the approval
 * page a URL-mode elicitation (or an `approvalUrl`) links to and posting the decision with the
 * operator credential, in real HTTP requests shaped as that person's browser sends them. Nothing
 * here goes around the protection: the page checks the credential and the origin as it would for
 * anyone. Also lists what a client received, for the tests that send every piece of it back as a
 * forged approval.
 */
import { APPROVAL_PAGE_PATH } from "../approval/approval-page.js";

/**
 * What the approval page answered.
 * @example
 * ```ts
 * const { status, html }: ApprovalPageResponse = await openApprovalPage(url);
 * ```
 * @category Testing
 */
export interface ApprovalPageResponse {
  /** 200 for a shown page or a recorded decision; 401 without a valid operator credential, 403 cross-site, 404 unknown, 409 already decided. */
  status: number;
  /** The page as the person sees it (preview, decision form or outcome). */
  html: string;
}

/**
 * How {@link decideOnApprovalPage} presents the operator credential.
 * @example
 * ```ts
 * const options: ApprovalDecisionOptions = { operatorToken: process.env.MCP_OPERATOR_TOKEN!, credentialIn: "bearer" };
 * ```
 * @category Testing
 */
export interface ApprovalDecisionOptions {
  /** The operator credential, as the person types it into the page's form. */
  operatorToken: string;
  /**
   * `form` (default): the page's own form, posted with the same-origin `Origin` header a browser
   * sends; `bearer`: `Authorization: Bearer <token>` with no `Origin`, as an operator's script sends it.
   */
  credentialIn?: "form" | "bearer";
}

/**
 * The approval page of an approval on a server served over HTTP (its MCP endpoint or any URL of its origin).
 * @example
 * ```ts
 * await decideOnApprovalPage(approvalPageUrl(replicas.url, approvalId), "approve", { operatorToken });
 * ```
 * @category Testing
 */
export function approvalPageUrl(serverUrl: string, approvalId: string): string {
  return `${new URL(serverUrl).origin}${APPROVAL_PAGE_PATH}${approvalId}`;
}

/**
 * Opens the approval page, as the person following the link does.
 * @example
 * ```ts
 * client.setRequestHandler("elicitation/create", async ({ params }) => {
 *   const page = await openApprovalPage(params.url!);
 *   expect(page.html).toContain("Transfer 5 units");
 *   return { action: "accept" };
 * });
 * ```
 * @category Testing
 */
export async function openApprovalPage(pageUrl: string): Promise<ApprovalPageResponse> {
  const response = await fetch(pageUrl);
  return { status: response.status, html: await response.text() };
}

/**
 * Approves or declines on the approval page with the operator credential (a form post from the
 * page's own origin by default, as the person's browser sends it).
 * @example
 * ```ts
 * expect((await decideOnApprovalPage(url, "approve", { operatorToken: OPERATOR })).status).toBe(200);
 * expect((await decideOnApprovalPage(url, "approve", { operatorToken: "a string the model saw" })).status).toBe(401);
 * ```
 * @category Testing
 */
export async function decideOnApprovalPage(pageUrl: string, decision: "approve" | "decline", options: ApprovalDecisionOptions): Promise<ApprovalPageResponse> {
  const byBearer = options.credentialIn === "bearer";
  const response = await fetch(pageUrl, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(byBearer ? { authorization: `Bearer ${options.operatorToken}` } : { origin: new URL(pageUrl).origin }),
    },
    body: new URLSearchParams(byBearer ? { decision } : { decision, operator_token: options.operatorToken }).toString(),
  });
  return { status: response.status, html: await response.text() };
}

/**
 * Every string a client (and so the model) received in `value`: each JSON string leaf, and the
 * words of six characters or more inside it. Tests send each back in every shape a model might try
 * as an approval, to show none of them is one.
 * @example
 * ```ts
 * const received = receivedStrings([pending, await client.listTools()]);
 * expect(received.has(approvalId)).toBe(true);
 * ```
 * @category Testing
 */
export function receivedStrings(value: unknown, into: Set<string> = new Set<string>()): Set<string> {
  if (typeof value === "string") {
    into.add(value);
    for (const word of value.match(/[A-Za-z0-9_\-.:/]{6,}/g) ?? []) into.add(word);
  } else if (Array.isArray(value)) for (const item of value) receivedStrings(item, into);
  else if (value && typeof value === "object") for (const item of Object.values(value)) receivedStrings(item, into);
  return into;
}
